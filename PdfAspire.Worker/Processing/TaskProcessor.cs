using System.Diagnostics;
using Microsoft.Extensions.Options;
using PdfAspire.Ingest.V1;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Ingest;
using PdfAspire.Worker.Queue;
using PdfAspire.Worker.Storage;
using PdfAspire.Worker.Telemetry;

namespace PdfAspire.Worker.Processing;

/// <summary>
/// One task from the worker's processing list to exactly one outcome: acknowledged after ingest confirms, scheduled
/// for a retry, or a dead letter. Until one of those is written the payload stays in the processing list, so a
/// crash anywhere in here loses nothing.
/// </summary>
public sealed partial class TaskProcessor(
    DocumentReader reader,
    DocumentPipeline pipeline,
    IngestClient ingest,
    RetrySchedule retries,
    WorkerIdentity worker,
    WorkerMetrics metrics,
    IOptions<ProcessingOptions> options,
    ServedBuckets buckets,
    OutcomeWriter outcomes,
    WorkerLanes lanes,
    WorkerCapacity capacity,
    TimeProvider clock,
    ILogger<TaskProcessor> logger)
{
    /// <summary>How much of an oversized payload its dead letter keeps.</summary>
    private const int KeptPrefixBytes = 4096;

    /// <param name="fetched">The task as taken into this worker's processing list; its outcomes move it on.</param>
    /// <param name="takeNext">Asked when the outcome is written: whether that step should also take the next task.</param>
    /// <param name="abort">Cancelled only when the shutdown grace period is over, never on SIGTERM itself.</param>
    /// <returns>The next task, taken with this one's outcome; null when none was asked for or none waits.</returns>
    public async Task<FetchedTask?> ProcessAsync(FetchedTask fetched, Func<bool> takeNext, CancellationToken abort)
    {
        var started = Stopwatch.GetTimestamp();
        var startedAt = clock.GetUtcNow();
        if (!fetched.Validate(buckets, out var parseError))
        {
            return await DeadLetterMalformedAsync(fetched, parseError, startedAt, takeNext, abort);
        }
        var task = fetched.Task;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = task.TaskId });
        using var activity = TaskTracing.StartTask(task);
        // The S3 GET needs nothing from the attempt record, so it runs while Redis writes that: one round trip less
        // per task. Extraction still waits for the attempt check below.
        var beginning = fetched.BeginAttemptAsync(startedAt);
        await using var run = pipeline.Start(ct => reader.DownloadAsync(task.Bucket, task.ObjectKey, ct), capacity.IsFirstLane(fetched.Lane), abort);
        var attempt = await beginning;
        if (attempt.ConflictsWith is { } recorded)
        {
            return await DeadLetterUnattemptedAsync(fetched, fetched.ConflictId, FailureCategory.TaskIdConflict, fetched.Payload, payloadBytes: null,
                recorded.ConflictMessage(task), startedAt, takeNext, abort);
        }
        activity?.SetTag("pdfaspire.attempt", attempt.Number);
        if (attempt.Number > options.Value.MaxAttempts)
        {
            // Earlier attempts ended with no outcome written: the process died under this document (a stack
            // overflow, an OOM kill) or ran out of time every time.
            var category = attempt.LastFailure == FailureCategory.Timeout ? FailureCategory.Timeout : FailureCategory.ParserCrash;
            return await DeadLetterAsync(fetched, task, attempt, category,
                $"{attempt.Number - 1} attempts ended without a result (the worker stopped while processing this document)", takeNext, abort);
        }
        try
        {
            var processed = await run.ExtractAsync();
            var request = BuildRequest(task, attempt, processed, startedAt);
            var submitting = Stopwatch.GetTimestamp();
            using (TaskTracing.Start("submit result"))
            {
                await ingest.SubmitAsync(request, abort);
            }
            var duration = Stopwatch.GetElapsedTime(started);
            var summary = ResultMapping.ToTaskResult(processed, Stopwatch.GetElapsedTime(submitting), duration);
            // Ingest has the result now: the acknowledgement must be written, however long Redis takes to come back.
            var next = await outcomes.WriteAsync("acknowledged", task.TaskId,
                () => fetched.AcknowledgeAsync(summary, clock.GetUtcNow(), takeNext()), abort);
            metrics.RecordProcessed(fetched.Lane, duration, processed.Pdf.PageCount);
            lanes[fetched.Lane].Lane.Throughput.Delivered(processed.Pdf.PageCount, (long)duration.TotalMilliseconds);
            LogProcessed(task.ObjectKey, processed.Pdf.PageCount, processed.Pdf.FailedPages, attempt.Number, duration.TotalMilliseconds);
            return next;
        }
        catch (TaskFailedException failure)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure.Category.WireName());
            return await HandleFailureAsync(fetched, task, attempt, failure, takeNext, abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // The shutdown grace period ran out: not the document's fault. The consumer returns the payload to pending.
            await fetched.RefundAttemptAsync();
            LogAbandoned(task.ObjectKey);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException && !RedisFailure.IsOutage(e))
        {
            // Anything else thrown while handling the document (the parser's stack guard, out of memory, a bug) is a
            // parser crash: retried with backoff and counted, never left stuck in the processing list.
            activity?.SetStatus(ActivityStatusCode.Error, FailureCategory.ParserCrash.WireName());
            return await HandleFailureAsync(fetched, task, attempt,
                new TaskFailedException(FailureCategory.ParserCrash, $"{e.GetType().Name}: {e.Message}", e), takeNext, abort);
        }
    }

    private async Task<FetchedTask?> HandleFailureAsync(FetchedTask fetched, ValidTask task, TaskAttempt attempt, TaskFailedException failure,
        Func<bool> takeNext, CancellationToken abort)
    {
        var category = failure.Category;
        var retryNumber = attempt.Number;
        switch (category.Retry())
        {
            case RetryKind.UsesAttempts when attempt.Number < options.Value.MaxAttempts:
                break;
            case RetryKind.Infrastructure:
                await fetched.RefundAttemptAsync();
                retryNumber = attempt.InfrastructureRetries + 1;
                if (retryNumber <= options.Value.MaxInfrastructureRetries)
                {
                    break;
                }
                return await DeadLetterAsync(fetched, task, attempt, category,
                    $"{failure.Message} (still failing after MAX_INFRASTRUCTURE_RETRIES = {options.Value.MaxInfrastructureRetries} retries)", takeNext, abort);
            default:
                return await DeadLetterAsync(fetched, task, attempt, category, failure.Message, takeNext, abort);
        }
        var dueAt = retries.NextAttemptAt(retryNumber);
        var next = await outcomes.WriteAsync("retry scheduled", task.TaskId,
            () => fetched.ScheduleRetryAsync(category, failure.Message, dueAt, clock.GetUtcNow(), takeNext()), abort);
        lanes[fetched.Lane].Promotion.Expect(dueAt);
        Count(fetched, category, deadLettered: false);
        LogRetry(task.ObjectKey, category.WireName(), failure.Message, dueAt);
        return next;
    }

    private async Task<FetchedTask?> DeadLetterAsync(FetchedTask fetched, ValidTask task, TaskAttempt attempt, FailureCategory category, string message,
        Func<bool> takeNext, CancellationToken abort)
    {
        var letter = new DeadLetter
        {
            TaskId = task.TaskId,
            Payload = fetched.Payload,
            Category = category.WireName(),
            Message = message,
            Attempts = attempt.Number,
            FileName = task.FileName,
            ObjectKey = task.ObjectKey,
            WorkerId = worker.Id,
            SubmittedAt = task.SubmittedAt,
            FirstAttemptAt = attempt.FirstAttemptAt,
            FailedAt = clock.GetUtcNow(),
        };
        var next = await outcomes.WriteAsync("dead letter", task.TaskId, () => fetched.DeadLetterAsync(letter, takeNext()), abort);
        Count(fetched, category, deadLettered: true);
        LogDeadLetter(task.ObjectKey, category.WireName(), message, attempt.Number);
        return next;
    }

    /// <summary>
    /// A payload over the size limit is a malformed task too, but its letter keeps only its beginning: storing it whole
    /// would let one producer's mistake double its weight in Redis and in every admin page that lists dead letters.
    /// </summary>
    public Task<FetchedTask?> RejectOversizedAsync(FetchedTask fetched, Func<bool> takeNext, CancellationToken abort) =>
        DeadLetterUnattemptedAsync(fetched, fetched.MalformedId, FailureCategory.MalformedTask, fetched.Prefix(KeptPrefixBytes), fetched.Length,
            $"task is {fetched.Length:N0} bytes; the limit is {UploadTaskParser.MaxPayloadBytes:N0} (its first {KeptPrefixBytes:N0} bytes are kept)",
            clock.GetUtcNow(), takeNext, abort);

    private Task<FetchedTask?> DeadLetterMalformedAsync(FetchedTask fetched, string error, DateTimeOffset now, Func<bool> takeNext, CancellationToken abort) =>
        DeadLetterUnattemptedAsync(fetched, fetched.MalformedId, FailureCategory.MalformedTask, fetched.Payload, payloadBytes: null, error, now, takeNext, abort);

    /// <summary>
    /// A task that never began an attempt: a payload that is not a valid task, or one whose id names another document.
    /// Its own id can't be used (none, or another task's), so the letter is keyed by the payload's hash
    /// (<paramref name="id"/>) and one bad payload is one letter.
    /// </summary>
    private async Task<FetchedTask?> DeadLetterUnattemptedAsync(FetchedTask fetched, string id, FailureCategory category, string keptPayload, long? payloadBytes,
        string error, DateTimeOffset now, Func<bool> takeNext, CancellationToken abort)
    {
        var letter = new DeadLetter
        {
            TaskId = id,
            Payload = keptPayload,
            PayloadBytes = payloadBytes,
            Category = category.WireName(),
            Message = error,
            Attempts = 1,
            WorkerId = worker.Id,
            FirstAttemptAt = now,
            FailedAt = now,
        };
        var next = await outcomes.WriteAsync("dead letter", id, () => fetched.DeadLetterAsync(letter, takeNext()), abort);
        Count(fetched, category, deadLettered: true);
        LogUnattempted(id, category.WireName(), error);
        return next;
    }

    /// <summary>A failed attempt, in the worker's metrics and in the per-minute counts the admin charts.</summary>
    private void Count(FetchedTask fetched, FailureCategory category, bool deadLettered)
    {
        metrics.RecordFailure(fetched.Lane, category, deadLettered);
        lanes[fetched.Lane].Lane.Throughput.Failed(category, deadLettered);
    }

    private SubmitResultRequest BuildRequest(ValidTask task, TaskAttempt attempt, ProcessedDocument processed, DateTimeOffset startedAt)
    {
        var request = new SubmitResultRequest
        {
            TaskId = task.TaskId,
            Source = new ObjectLocation { Bucket = task.Bucket, ObjectKey = task.ObjectKey },
            FileName = task.FileName,
            Document = ResultMapping.ToDocument(processed),
            Timings = ResultMapping.ToTimings(processed, task.SubmittedAt, startedAt, clock.GetUtcNow()),
            WorkerId = worker.Id,
            Attempt = attempt.Number,
        };
        foreach (var (key, value) in task.Metadata)
        {
            request.TaskMetadata[key] = value;
        }
        return request;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Processed {ObjectKey}: {Pages} pages ({FailedPages} failed) on attempt {Attempt} in {DurationMs:F0} ms")]
    private partial void LogProcessed(string objectKey, int pages, int failedPages, int attempt, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {ObjectKey} at {DueAt:O} after {Category}: {Reason}")]
    private partial void LogRetry(string objectKey, string category, string reason, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead letter {ObjectKey} ({Category}) after {Attempts} attempts: {Reason}")]
    private partial void LogDeadLetter(string objectKey, string category, string reason, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead letter {DeadLetterId} ({Category}): {Reason}")]
    private partial void LogUnattempted(string deadLetterId, string category, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown grace period over; {ObjectKey} goes back to pending")]
    private partial void LogAbandoned(string objectKey);
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.S3;
using Amazon.S3.Model;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using StackExchange.Redis;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>Drives the running system as a producer and an observer would: S3 uploads, Redis tasks, the stub's listing.</summary>
public sealed class PipelineDriver : IDisposable
{
    public const string Bucket = StorageOptions.DefaultBucket;

    private readonly IConnectionMultiplexer _redis;
    private readonly HttpClient _stub;

    public PipelineDriver(AppHostFixture system, IConnectionMultiplexer redis)
    {
        _redis = redis;
        _stub = new HttpClient { BaseAddress = system.Endpoint("go-ingest-service", "http") };
        StorageEndpoint = system.Endpoint("minio", "api");
        S3 = StorageExtensions.CreateClient(new StorageOptions { Endpoint = StorageEndpoint.ToString(), AccessId = "S3RVER", AccessKey = "S3RVER" });
        Lanes = QueueParts.Lanes(redis);
        Administration = QueueParts.Administration(redis, Lanes);
    }

    public Uri StorageEndpoint { get; }

    public IAmazonS3 S3 { get; }

    public QueueLanes Lanes { get; }

    public QueueKeys Keys => Lanes.Default.Keys;

    public QueueMoves Queue => Lanes.Default.Moves;

    public QueueAdministration Administration { get; }

    public IDatabase Redis => _redis.GetDatabase();

    /// <summary>The admin's reads (search, task pages) over this system's Redis.</summary>
    public QueueInsights Insights => QueueParts.Insights(_redis, Lanes);

    public static string NewTaskId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public async Task UploadAsync(string key, byte[] content)
    {
        using var body = new MemoryStream(content);
        // s3rver stores chunk-signed bodies verbatim; plain signing keeps the object byte-for-byte.
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false },
            TestContext.Current.CancellationToken);
    }

    /// <summary>Uploads the PDF and queues a task for it, as the admin's upload does.</summary>
    public async Task<string> SubmitAsync(string prefix, byte[] content, string fileName = "document.pdf")
    {
        var taskId = NewTaskId(prefix);
        var key = $"{prefix}/{taskId}/{fileName}";
        await UploadAsync(key, content);
        await EnqueueAsync(new UploadTask { TaskId = taskId, Bucket = Bucket, ObjectKey = key, FileName = fileName, SubmittedAt = DateTimeOffset.UtcNow });
        return taskId;
    }

    public async Task<string> SubmitAsync(string prefix, byte[] content, Func<UploadTask, UploadTask> shape)
    {
        var taskId = NewTaskId(prefix);
        var key = $"{prefix}/{taskId}/document.pdf";
        await UploadAsync(key, content);
        await EnqueueAsync(shape(new UploadTask { TaskId = taskId, Bucket = Bucket, ObjectKey = key, SubmittedAt = DateTimeOffset.UtcNow }));
        return taskId;
    }

    public Task EnqueueAsync(UploadTask task) => EnqueueRawAsync(JsonSerializer.Serialize(task, TaskQueueJsonContext.Default.UploadTask));

    public Task EnqueueRawAsync(string payload) => Redis.ListLeftPushAsync(Keys.Pending, payload);

    /// <summary>
    /// Uploads each document, then queues them all into <paramref name="queue"/>'s lane in one push, so that a worker
    /// waiting for work finds them together. Returns the task ids in the order of <paramref name="pdfs"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> QueueTogetherAsync(string queue, string prefix, params IEnumerable<byte[]> pdfs)
    {
        var tasks = new List<(string TaskId, string Json)>();
        foreach (var pdf in pdfs)
        {
            var taskId = NewTaskId(prefix);
            var key = $"{prefix}/{taskId}.pdf";
            await UploadAsync(key, pdf);
            tasks.Add((taskId, $$"""{"task_id":"{{taskId}}","object_key":"{{key}}"}"""));
        }
        await Redis.ListLeftPushAsync(new QueueKeys(queue).Pending, [.. tasks.Select(t => (RedisValue)t.Json)]);
        return [.. tasks.Select(t => t.TaskId)];
    }

    public async Task<StoredResult?> ResultAsync(string taskId)
    {
        using var response = await _stub.GetAsync($"/results/{Uri.EscapeDataString(taskId)}", TestContext.Current.CancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<StoredResult>(TestContext.Current.CancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, ResultSummary>> ResultsAsync(IReadOnlyCollection<string> taskIds)
    {
        var all = await _stub.GetFromJsonAsync<List<ResultSummary>>("/results", TestContext.Current.CancellationToken);
        return all!.Where(r => taskIds.Contains(r.TaskId)).ToDictionary(r => r.TaskId);
    }

    /// <summary>Waits until ingest holds a result for every one of <paramref name="taskIds"/>.</summary>
    public Task<IReadOnlyDictionary<string, ResultSummary>> WaitForResultsAsync(IReadOnlyCollection<string> taskIds, TimeSpan timeout) =>
        Eventually.ValueAsync(() => ResultsAsync(taskIds), r => r.Count == taskIds.Count, timeout,
            $"{taskIds.Count} results at ingest");

    public Task<DeadLetter?> DeadLetterAsync(string taskId) => DeadLetterAsync(Keys, taskId);

    public Task<DeadLetter> WaitForDeadLetterAsync(string taskId, TimeSpan timeout) => WaitForDeadLetterAsync(Keys, taskId, timeout);

    /// <summary>The dead letter of <paramref name="taskId"/>, pushed to <paramref name="queue"/> (not the default lane).</summary>
    public Task<DeadLetter> WaitForDeadLetterAsync(string queue, string taskId, TimeSpan timeout) => WaitForDeadLetterAsync(new QueueKeys(queue), taskId, timeout);

    private async Task<DeadLetter?> DeadLetterAsync(QueueKeys keys, string taskId)
    {
        var json = await Redis.HashGetAsync(keys.Dead, taskId);
        return json.IsNull ? null : JsonSerializer.Deserialize((string)json!, TaskQueueJsonContext.Default.DeadLetter);
    }

    private async Task<DeadLetter> WaitForDeadLetterAsync(QueueKeys keys, string taskId, TimeSpan timeout) =>
        (await Eventually.ValueAsync(() => DeadLetterAsync(keys, taskId), d => d is not null, timeout, $"dead letter {taskId}"))!;

    public async Task<HashEntry[]> TaskRecordAsync(string taskId) => await Redis.HashGetAllAsync(Keys.Task(taskId));

    /// <summary>
    /// Waits until the task's record says <paramref name="status"/>. Ingest holds a result a moment before the worker's
    /// acknowledgement writes "done": a record read as soon as the result is there may still say "processing".
    /// </summary>
    public Task WaitForStatusAsync(string taskId, string status, TimeSpan timeout) =>
        Eventually.TrueAsync(async () => (string?)await Redis.HashGetAsync(Keys.Task(taskId), TaskRecordFields.Status) == status,
            timeout, $"task {taskId}'s record to say {status}");

    /// <summary>Pauses consumption and waits until every live worker reports that it has stopped taking tasks.</summary>
    public async Task PauseAllWorkersAsync(TimeSpan timeout)
    {
        await Administration.PauseAsync("tests");
        await UntilWorkersReportAsync(paused: true, timeout);
    }

    /// <summary>
    /// Lifts the pause and waits until every worker reports it is taking tasks again, so the next test does not read
    /// a worker's stale "paused" (a worker reports the change only once it is back at the queue).
    /// </summary>
    public async Task ResumeAllWorkersAsync(TimeSpan timeout)
    {
        await Administration.ResumeAsync();
        await UntilWorkersReportAsync(paused: false, timeout);
    }

    /// <summary>
    /// Waits until every live worker's heartbeat says it has seen the pause (or its end). Only then is a task queued
    /// during a pause sure to wait: a worker already waiting in BLMOVE when the pause began takes what comes first.
    /// </summary>
    public Task UntilWorkersReportAsync(bool paused, TimeSpan timeout) =>
        Eventually.TrueAsync(async () =>
        {
            var live = await Redis.SortedSetRangeByScoreAsync(Keys.Workers, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var reported = await Task.WhenAll(live.Select(w => Redis.HashGetAsync(Keys.Worker(w!), WorkerRecordFields.Paused)));
            return live.Length > 0 && reported.All(p => p == (paused ? "1" : "0"));
        }, timeout, paused ? "every worker to report paused" : "every worker to report it is taking tasks again");

    public async Task SetIngestFaultsAsync(double failureRate, int latencyMs)
    {
        using var response = await _stub.PutAsJsonAsync("/faults", new { failure_rate = failureRate, latency_ms = latencyMs },
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        _stub.Dispose();
        S3.Dispose();
    }
}

public sealed record ResultSummary(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("object_key")] string ObjectKey,
    [property: JsonPropertyName("page_count")] int PageCount,
    [property: JsonPropertyName("failed_pages")] int FailedPages,
    [property: JsonPropertyName("ocr_pages")] int OcrPages,
    [property: JsonPropertyName("pages_without_text")] int PagesWithoutText,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("worker_id")] string WorkerId,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("deliveries")] int Deliveries,
    [property: JsonPropertyName("traceparent")] string? Traceparent = null);

/// <summary>One stored SubmitResult in protobuf JSON (field names as in the .proto), with its delivery count.</summary>
public sealed record StoredResult(
    [property: JsonPropertyName("deliveries")] int Deliveries,
    [property: JsonPropertyName("request")] JsonElement Request)
{
    public IReadOnlyList<string> PageTexts =>
        [.. Pages.Select(p => p.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "")];

    /// <summary>Each page's source as protobuf JSON names it (PAGE_TEXT_SOURCE_OCR, …).</summary>
    public IReadOnlyList<string> PageSources =>
        [.. Pages.Select(p => p.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "PAGE_TEXT_SOURCE_UNSPECIFIED")];

    public IReadOnlyList<float> OcrConfidences =>
        [.. Pages.Select(p => p.TryGetProperty("ocr_confidence", out var c) ? c.GetSingle() : 0f)];

    /// <summary>From the attempt's start to the end of its extraction, as the worker reported them (its timings).</summary>
    public TimeSpan StartToExtracted =>
        Timestamp("completed_at") - Timestamp("started_at");

    private DateTimeOffset Timestamp(string name) =>
        DateTimeOffset.Parse(Request.GetProperty("timings").GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private IEnumerable<JsonElement> Pages => Request.GetProperty("document").GetProperty("pages").EnumerateArray();
}

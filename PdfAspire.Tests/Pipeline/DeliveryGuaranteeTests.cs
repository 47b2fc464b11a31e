using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Pipeline;

/// <summary>
/// At-least-once delivery with nothing lost, against real processes: a second worker beside the AppHost's is killed,
/// terminated, or made to wait on a failing ingest service.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class DeliveryGuaranteeTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task WorkerKilledMidBatch_LosesNothing_AndIngestStoresEachTaskOnce()
    {
        // A lane of its own: the doomed worker is its only consumer, so the batch outlasts the moment it is killed by
        // seconds (on the shared lane the AppHost's worker could finish the batch first and leave it holding nothing),
        // and a second worker, started after the kill, is the one that takes its tasks back once its lease expires.
        const string queue = "queue:killed_test";
        var lane = new QueueKeys(queue);
        var settings = new Dictionary<string, string?> { ["REDIS_QUEUE_NAME"] = queue, ["WORKER_CONCURRENCY"] = "4" };
        // Slow ingest keeps tasks in flight: 80 of them at 150 ms take four slots at least 3 s.
        await system.Pipeline.SetIngestFaultsAsync(failureRate: 0, latencyMs: 150);
        try
        {
            await using var doomed = await WorkerProcess.StartAsync(system, "doomed", settings);
            var taskIds = await system.Pipeline.QueueTogetherAsync(queue, "killed",
                Enumerable.Range(0, 80).Select(i => Corpus.Generated($"killed document {i}")));
            await Eventually.TrueAsync(async () => await system.Redis.ListLengthAsync(lane.Processing(doomed.Id)) >= 2,
                Patience, "the doomed worker to hold tasks");
            doomed.Kill();
            await doomed.WaitForExitAsync(Patience, TestContext.Current.CancellationToken);
            // Nothing moves a dead worker's list until its lease expires and a live worker on its lane reaps it: none yet.
            var heldAtKill = await system.Redis.ListLengthAsync(lane.Processing(doomed.Id));
            Assert.True(heldAtKill > 0, "the doomed worker held nothing when it was killed");

            await using var rescuer = await WorkerProcess.StartAsync(system, "rescuer", settings);
            var results = await system.Pipeline.WaitForResultsAsync(taskIds, Patience);

            Assert.Equal(taskIds.Count, results.Count);
            // Only a task the killed worker held can be delivered again (it may have reached ingest before the kill
            // without being acknowledged): counted, not stored twice.
            Assert.All(results.Values, r => Assert.InRange(r.Deliveries, 1, 2));
            Assert.InRange(results.Values.Sum(r => r.Deliveries - 1), 0, heldAtKill);
            // If everything it held had reached ingest, the results can be complete before its lease has expired.
            await Eventually.TrueAsync(async () => await system.Redis.ListLengthAsync(lane.Processing(doomed.Id)) == 0
                    && await system.Redis.SortedSetScoreAsync(lane.Workers, doomed.Id) is null,
                Patience, "the killed worker's lease to end and its tasks to be returned");
        }
        finally
        {
            await system.Pipeline.SetIngestFaultsAsync(0, 0);
        }
    }

    [Fact]
    public async Task WorkerTerminatedMidBatch_FinishesItsTasks_ReturnsTheRest_AndExitsCleanly()
    {
        await system.Pipeline.SetIngestFaultsAsync(failureRate: 0, latencyMs: 300);
        await using var leaving = await WorkerProcess.StartAsync(system, "leaving",
            new Dictionary<string, string?> { ["WORKER_CONCURRENCY"] = "3", ["SHUTDOWN_GRACE_SECONDS"] = "20" });
        try
        {
            var taskIds = await SubmitBatchAsync("terminated", 30);
            await Eventually.TrueAsync(async () => await system.Redis.ListLengthAsync(system.Pipeline.Keys.Processing(leaving.Id)) >= 1,
                Patience, "the leaving worker to hold tasks");

            leaving.Terminate();
            var exitCode = await leaving.WaitForExitAsync(TimeSpan.FromSeconds(45), TestContext.Current.CancellationToken);
            var results = await system.Pipeline.WaitForResultsAsync(taskIds, Patience);

            Assert.Equal(0, exitCode);
            Assert.Contains("Drained:", leaving.Output, StringComparison.Ordinal);
            Assert.Contains("0 cut off", leaving.Output, StringComparison.Ordinal);
            Assert.Equal(0, await system.Redis.ListLengthAsync(system.Pipeline.Keys.Processing(leaving.Id)));
            Assert.Null(await system.Redis.SortedSetScoreAsync(system.Pipeline.Keys.Workers, leaving.Id));
            // A drained worker finished what it held, so nothing was delivered twice.
            Assert.All(results.Values, r => Assert.Equal(1, r.Deliveries));
        }
        finally
        {
            await system.Pipeline.SetIngestFaultsAsync(0, 0);
        }
    }

    [Fact]
    public async Task IngestDownThenUp_DeliversEverything_WithoutUsingUpAttempts()
    {
        await system.Pipeline.SetIngestFaultsAsync(failureRate: 1, latencyMs: 0);
        IReadOnlyList<string> taskIds;
        try
        {
            taskIds = await SubmitBatchAsync("outage", 6);
            // Past MAX_ATTEMPTS (3) ingest failures each, so a retry that used up attempts would end in dead letters.
            await Eventually.TrueAsync(async () =>
            {
                var retries = await Task.WhenAll(taskIds.Select(id =>
                    system.Redis.HashGetAsync(system.Pipeline.Keys.Task(id), TaskRecordFields.InfrastructureRetries)));
                return retries.All(r => (int?)r >= 4);
            }, Patience, "every task to have waited out four ingest failures");
        }
        finally
        {
            await system.Pipeline.SetIngestFaultsAsync(0, 0);
        }

        var results = await system.Pipeline.WaitForResultsAsync(taskIds, Patience);

        Assert.Equal(taskIds.Count, results.Count);
        foreach (var id in taskIds)
        {
            // Ingest stores the result just before the worker acknowledges it.
            await Eventually.TrueAsync(async () => (string?)await system.Redis.HashGetAsync(system.Pipeline.Keys.Task(id), TaskRecordFields.Status) == TaskStatuses.Done,
                Patience, $"task {id} to be acknowledged");
            Assert.Null(await system.Pipeline.DeadLetterAsync(id));
            Assert.Equal(1, (int)await system.Redis.HashGetAsync(system.Pipeline.Keys.Task(id), TaskRecordFields.Attempts));
        }
    }

    [Fact]
    public async Task DocumentOverItsDeadline_IsRetried_ThenBecomesATimeoutDeadLetter()
    {
        // A worker of its own on a queue of its own, with a one-second deadline that a large real document exceeds.
        const string queue = "queue:deadline_test";
        await using var strict = await WorkerProcess.StartAsync(system, "strict", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["WORKER_CONCURRENCY"] = "2",
            ["DOCUMENT_TIMEOUT_SECONDS"] = "1",
            ["MAX_ATTEMPTS"] = "2",
            ["MAX_DOCUMENT_BYTES"] = $"{64 << 20}",
        });
        var large = Corpus.TexLiveDocuments(maxBytes: 16 << 20).MaxBy(p => new FileInfo(p).Length)!;
        var taskId = PipelineDriver.NewTaskId("deadline");
        var key = $"deadline/{taskId}.pdf";
        await system.Pipeline.UploadAsync(key, await File.ReadAllBytesAsync(large, TestContext.Current.CancellationToken));
        var keys = new QueueKeys(queue);
        await system.Redis.ListLeftPushAsync(keys.Pending, $$"""{"task_id":"{{taskId}}","object_key":"{{key}}"}""");

        var letter = await Eventually.ValueAsync(() => system.Redis.HashGetAsync(keys.Dead, taskId), v => !v.IsNull, Patience, "the timeout dead letter");

        Assert.Contains("\"category\":\"timeout\"", (string?)letter, StringComparison.Ordinal);
        Assert.Contains("\"attempts\":2", (string?)letter, StringComparison.Ordinal);
        // Each attempt's extractor processes were killed at the deadline, so no abandoned parse kept a core busy: its own,
        // and the worker's other one if the document had borrowed it for later pages by then.
        Assert.InRange(Exposition.Value(await strict.MetricsAsync(), "pdf_extractor_exits_total", "reason=\"deadline\""), 2, 4);
    }

    [Fact]
    public async Task DocumentOverThePageLimit_BecomesTooLarge_AtOnce()
    {
        const string queue = "queue:page_limit_test";
        await using var strict = await WorkerProcess.StartAsync(system, "pages", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["MAX_PAGES"] = "2",
        });
        var taskId = PipelineDriver.NewTaskId("pages");
        var key = $"pages/{taskId}.pdf";
        await system.Pipeline.UploadAsync(key, Corpus.Generated("one", "two", "three"));
        var keys = new QueueKeys(queue);
        await system.Redis.ListLeftPushAsync(keys.Pending, $$"""{"task_id":"{{taskId}}","object_key":"{{key}}"}""");

        var letter = await Eventually.ValueAsync(() => system.Redis.HashGetAsync(keys.Dead, taskId), v => !v.IsNull, Patience, "the too_large dead letter");

        Assert.Contains("\"category\":\"too_large\"", (string?)letter, StringComparison.Ordinal);
        Assert.Contains("MAX_PAGES", (string?)letter, StringComparison.Ordinal);
        Assert.Contains("\"attempts\":1", (string?)letter, StringComparison.Ordinal);
    }

    /// <summary>
    /// A submission is given its INGEST_TIMEOUT_SECONDS (30 s by default), however long it takes within it: no layer
    /// below cuts it sooner and sends it again (HttpClientFactory's standard resilience handler, which the service
    /// defaults give every client, would cut an attempt at 10 s and retry it).
    /// </summary>
    [Fact]
    public async Task ASubmissionIngestTakesLongToAnswer_WithinItsDeadline_IsWaitedFor_NotCutAndSentAgain()
    {
        await system.Pipeline.SetIngestFaultsAsync(failureRate: 0, latencyMs: 11_000);
        try
        {
            var taskId = await system.Pipeline.SubmitAsync("slow-ingest", Corpus.Generated("answered slowly"));
            var result = (await system.Pipeline.WaitForResultsAsync([taskId], Patience))[taskId];

            Assert.Equal(1, result.Deliveries);
            await Eventually.TrueAsync(async () => (string?)await system.Redis.HashGetAsync(system.Pipeline.Keys.Task(taskId), TaskRecordFields.Status) == TaskStatuses.Done,
                Patience, "the task to be acknowledged");
            Assert.Equal(1, (int)await system.Redis.HashGetAsync(system.Pipeline.Keys.Task(taskId), TaskRecordFields.Attempts));
        }
        finally
        {
            await system.Pipeline.SetIngestFaultsAsync(0, 0);
        }
    }

    private async Task<IReadOnlyList<string>> SubmitBatchAsync(string prefix, int count)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(await system.Pipeline.SubmitAsync(prefix, Corpus.Generated($"{prefix} document {i}")));
        }
        return ids;
    }
}

using PdfAspire.TaskQueue;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Faults;

/// <summary>
/// The delivery guarantee under the faults production sees, each against real processes: every task of a batch is
/// stored by ingest exactly once (redeliveries are counted by the stub, never stored twice) or is a documented dead
/// letter, and afterwards nothing is left pending, in flight or waiting for a retry.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class FaultSuiteTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task WorkersKilledRepeatedly_DuringABatch_LoseNothing()
    {
        await using var rig = await FaultRig.StartAsync();
        // Ingest answers slowly enough that the batch outlasts three workers' start-ups (each takes a few seconds on a
        // busy machine) and a killed worker always holds tasks: 300 tasks at 100 ms take the steady worker 15 s alone.
        await rig.System.SetIngestFaultsAsync(0, latencyMs: 100);
        var steady = await rig.StartWorkerAsync("steady");
        var ids = await rig.SubmitBatchAsync("killed", 300);

        const int kills = 3;
        for (var i = 0; i < kills; i++)
        {
            var doomed = await rig.StartWorkerAsync($"doomed{i}");
            await Eventually.TrueAsync(async () => await rig.Redis.ListLengthAsync(rig.Keys.Processing(doomed.Id)) > 0,
                Patience, $"doomed worker {i} to hold tasks");
            doomed.Kill();
        }
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        Assert.Equal(ids.Count, outcome.Stored.Count);
        // A task a killed worker held may have reached ingest before the kill: delivered again, stored once.
        Assert.InRange(outcome.Stored.Values.Sum(d => d - 1), 0, kills * 2);
        Assert.False(steady.HasExited);
    }

    [Fact]
    public async Task TwoWorkersCompeting_ShareTheBatch_AndDeliverEachTaskOnce()
    {
        await using var rig = await FaultRig.StartAsync();
        var first = await rig.StartWorkerAsync("first");
        var second = await rig.StartWorkerAsync("second");
        var ids = await rig.SubmitBatchAsync("competing", 300);

        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.All(outcome.Stored.Values, deliveries => Assert.Equal(1, deliveries));
        Assert.True(Exposition.Value(await first.MetricsAsync(), "pdf_tasks_processed_total") > 0, "the first worker took none");
        Assert.True(Exposition.Value(await second.MetricsAsync(), "pdf_tasks_processed_total") > 0, "the second worker took none");
    }

    /// <summary>
    /// Redis stopped mid-batch, gracefully (SIGTERM, as in a rolling update) or not (SIGKILL), and started again on its
    /// append-only file: nothing is lost, and nothing is delivered twice. Ingest answers slowly (10 ms), so at the
    /// restart some results have been stored and not yet acknowledged; the worker holds those tasks and writes their
    /// acknowledgement once Redis is back, instead of letting its stray check send them round again.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RedisRestartedMidBatch_LosesNothing_RepeatsNothing_AndWorkersCarryOn(bool kill)
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.System.SetIngestFaultsAsync(0, latencyMs: 10);
        var worker = await rig.StartWorkerAsync("survivor");
        var ids = await rig.SubmitBatchAsync("restart", 200);
        await Eventually.TrueAsync(async () => (await rig.StoredAsync(ids)).Count >= 30, Patience, "a first part of the batch");

        await rig.System.RestartRedisAsync(kill);
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.All(outcome.Stored, stored => Assert.True(stored.Value == 1, $"{stored.Key} was delivered {stored.Value} times"));
        Assert.False(worker.HasExited, worker.Output);
    }

    [Fact]
    public async Task TaskStrandedInALiveWorkersProcessingList_IsReturned_AndDelivered()
    {
        await using var rig = await FaultRig.StartAsync();
        var worker = await rig.StartWorkerAsync("holder");
        var ids = await rig.UploadBatchAsync("stranded", 1);

        // As when Redis restarts between running a BLMOVE and sending its reply: the task is in this live worker's
        // processing list, and the worker never heard of it. The reaper leaves live workers alone.
        await rig.Redis.ListLeftPushAsync(rig.Keys.Processing(worker.Id), FaultRig.TaskJson("stranded", ids[0]));
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        Assert.Equal(1, outcome.Stored[ids[0]]);
        Assert.Contains("held in Redis but no longer processed", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestDownForAWhile_ThenSlow_DeliversEverything_WithoutUsingUpAttempts()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.System.SetIngestFaultsAsync(failureRate: 1, latencyMs: 0);
        await rig.StartWorkerAsync("patient", settings: new Dictionary<string, string?> { ["MAX_ATTEMPTS"] = "1" });
        var ids = await rig.SubmitBatchAsync("outage", 60);
        await Eventually.TrueAsync(async () => await rig.InfrastructureRetriesAsync(ids) >= 2 * ids.Count,
            Patience, "every task to wait out ingest's outage twice on average");

        // Back, but slow: every call takes 200 ms, past the worker's concurrency the tasks queue up behind it.
        await rig.System.SetIngestFaultsAsync(failureRate: 0, latencyMs: 200);
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        // MAX_ATTEMPTS is 1: had an outage used up an attempt, these would be dead letters.
        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.Empty(outcome.Dead);
    }

    [Fact]
    public async Task StorageDownForAWhile_DeliversEverything_OnceItIsBack()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.StartWorkerAsync("reader", settings: new Dictionary<string, string?> { ["MAX_ATTEMPTS"] = "1" });
        var ids = await rig.UploadBatchAsync("storage", 60);
        await rig.System.StopStorageAsync();
        await rig.EnqueueAsync(ids.Select(id => FaultRig.TaskJson("storage", id)));
        await Eventually.TrueAsync(async () => await rig.InfrastructureRetriesAsync(ids) >= ids.Count,
            Patience, "the tasks to wait out the storage outage");

        await rig.System.StartStorageAsync();
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.Empty(outcome.Dead);
    }

    [Fact]
    public async Task WorkerTerminatedDuringABatch_DrainsWhatItHolds_AndAnotherFinishes()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.System.SetIngestFaultsAsync(0, latencyMs: 50);
        var leaving = await rig.StartWorkerAsync("leaving", 4, new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Information" });
        var ids = await rig.SubmitBatchAsync("terminated", 200);
        await Eventually.TrueAsync(async () => (await rig.StoredAsync(ids)).Count >= 20, Patience, "a first part of the batch");

        leaving.Terminate();
        Assert.Equal(0, await leaving.WaitForExitAsync(TimeSpan.FromSeconds(45), TestContext.Current.CancellationToken));
        await rig.StartWorkerAsync("staying");
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.All(outcome.Stored.Values, deliveries => Assert.Equal(1, deliveries));
        Assert.Contains("0 cut off", leaving.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedTasksMixedIntoABatch_BecomeDeadLetters_AndTheRestIsDelivered()
    {
        await using var rig = await FaultRig.StartAsync();
        var ids = await rig.SubmitBatchAsync("mixed", 100);
        string[] malformed = ["{\"task_id\": \"cut-", "[]", "null", "{\"task_id\": \"no-key\"}", "\u00ff\u00fe binary", "{}"];
        await rig.EnqueueAsync(malformed);
        await rig.StartWorkerAsync("sorter");

        var outcome = await rig.WaitForBatchAsync(ids, Patience);
        var dead = await Eventually.ValueAsync(rig.DeadLettersAsync, d => d.Count == malformed.Length, Patience, "the malformed tasks' letters");

        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.All(dead.Values, letter => Assert.Equal(FailureCategory.MalformedTask.WireName(), letter.Category));
        // The raw payload is kept, so an operator can see what the producer sent.
        Assert.Equal(malformed.Order(StringComparer.Ordinal), dead.Values.Select(d => d.Payload).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RetryAllStorm_FromTheAdmin_DeliversEachDeadLetterOnce()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.System.SetIngestFaultsAsync(failureRate: 1, latencyMs: 0);
        await rig.StartWorkerAsync("stormy", settings: new Dictionary<string, string?> { ["MAX_INFRASTRUCTURE_RETRIES"] = "1" });
        var ids = await rig.SubmitBatchAsync("storm", 100);
        var failed = await rig.WaitForBatchAsync(ids, Patience);
        Assert.Equal(ids.Count, failed.Dead.Count);
        Assert.All(failed.Dead.Values, letter => Assert.Equal(FailureCategory.IngestUnavailable.WireName(), letter.Category));

        // Ingest is back, and operators press "retry all" many times at once, as a storm of impatient clicks would.
        await rig.System.SetIngestFaultsAsync(0, 0);
        var retried = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => rig.Administration.RetryCategoryAsync(null, $"operator{i}")));
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        // Each letter went back to the queue once, however many clicks raced for it.
        Assert.Equal(ids.Count, retried.Sum());
        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.All(outcome.Stored.Values, deliveries => Assert.Equal(1, deliveries));
        Assert.Empty(outcome.Dead);
    }
}

[CollectionDefinition(Name)]
public sealed class FaultSuite
{
    /// <summary>Fault tests run one at a time: each starts a whole pipeline and stresses it.</summary>
    public const string Name = "faults";
}

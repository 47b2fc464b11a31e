using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Faults;

/// <summary>
/// The queue on a real Redis Cluster (Debian's redis-server: 3 masters, 3 replicas, made by <c>redis-cli --cluster
/// create</c>), with two lanes whose slots are on different masters: workers, the admin, the reaper, retries and dead
/// letters work there as on one node, none of them ever meets a CROSSSLOT error or a redirect it does not follow, and a
/// master lost mid-batch costs no task.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private const string Interactive = "queue:interactive";
    private const string Bulk = QueueOptions.DefaultName;
    private const string Lanes = $"{Interactive},{Bulk}";

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    /// <summary>What Redis (or the client, before sending) answers when a step is wrong for a cluster; none of it may reach a log.</summary>
    private static readonly string[] ClusterErrors = ["CROSSSLOT", "MOVED", "ASK ", "non local key", "Script attempted to access", "must involve a single slot"];

    [Fact]
    public async Task TwoLanesOnTwoMasters_EveryStepOfTheWorkersAndTheAdmin_RunsOnTheCluster()
    {
        await using var rig = await FaultRig.StartAsync(clusterMasters: 3, lanes: Lanes);
        var cluster = rig.System.Cluster!;
        Assert.NotEqual(cluster.MasterOf(Interactive), cluster.MasterOf(Bulk));
        // A third of ingest calls fail: retries wait in the delayed sets and are promoted back.
        await rig.System.SetIngestFaultsAsync(failureRate: 0.3, latencyMs: 20);
        var steady = await rig.StartWorkerAsync("steady");
        var doomed = await rig.StartWorkerAsync("doomed");
        await using var admin = await AdminProcess.StartAsync(rig.System, TestWorkers.Configuration,
            new Dictionary<string, string> { ["REDIS_QUEUE_LANES"] = Lanes });

        var bulk = await rig.SubmitBatchAsync("bulk", 100, Bulk);
        var interactive = await rig.SubmitBatchAsync("interactive", 40, Interactive);
        await rig.EnqueueAsync(["{\"task_id\": \"cut-"], Bulk);
        await rig.EnqueueAsync(["{}"], Interactive);
        // A worker dies holding tasks: the other's reaper returns them once its lease runs out.
        await Eventually.TrueAsync(async () => await rig.Redis.ListLengthAsync(rig.Lanes.Find(Bulk)!.Keys.Processing(doomed.Id)) > 0,
            Patience, "the doomed worker to hold bulk tasks");
        doomed.Kill();
        await rig.Administration.PauseAsync("operator");
        await Eventually.TrueAsync(async () => (await steady.HealthAsync()).Report.Contains("paused by an operator", StringComparison.Ordinal),
            Patience, "the worker to stop for the pause");
        await rig.Administration.ResumeAsync();
        var outcome = await rig.WaitForBatchAsync([.. bulk, .. interactive], Patience);

        Assert.Equal(bulk.Count + interactive.Count, outcome.Stored.Count);
        var letters = await Eventually.ValueAsync(rig.Administration.DeadLettersAsync, l => l.Count == 2, Patience, "one malformed task's letter in each lane");
        Assert.Equal([Interactive, Bulk], letters.Select(l => l.Lane).Order(StringComparer.Ordinal));

        // The operator fixes the bulk lane's letter and retries it into the interactive lane, on the other master.
        var fixedTask = await rig.UploadBatchAsync("fixed", 1);
        var letter = letters.Single(l => l.Lane == Bulk);
        var edit = await rig.Administration.RetryEditedAsync(letter.TaskId, FaultRig.TaskJson("fixed", fixedTask[0]), "operator",
            ServedBuckets.Only(LocalSystem.Bucket), Interactive);
        Assert.True(edit.IsQueued, edit.Error);
        await Eventually.TrueAsync(async () => (await rig.StoredAsync(fixedTask)).Count == 1, Patience, "the fixed task to be delivered");

        var insights = QueueParts.Insights(rig.System.Redis, rig.Lanes);
        var counts = await insights.CountsAsync(await insights.WorkersAsync());
        Assert.Equal(1, counts.Lanes.Single(l => l.Lane == Interactive).Dead);
        Assert.Equal(0, counts.Lanes.Single(l => l.Lane == Bulk).Dead);
        Assert.Equal(Interactive, (await insights.TaskAsync(fixedTask[0]))!.Lane);
        Assert.Contains(bulk[0], (await insights.SearchAsync(bulk[0])).Select(t => t.TaskId));
        foreach (var (name, printed) in new[] { ("steady worker", steady.Output), ("killed worker", doomed.Output), ("admin", admin.Output) })
        {
            Assert.DoesNotContain(ClusterErrors, e => printed.Contains(e, StringComparison.Ordinal));
            output.WriteLine($"{name}: {printed.Split('\n').Length} lines, none a cluster error");
        }
    }

    /// <summary>
    /// The bulk lane's master is killed (SIGKILL, as a lost machine) while its batch flows. The cluster promotes its
    /// replica; the workers find the new master and carry on. Replication is asynchronous, so what the old master had
    /// not passed on is gone: an outcome lost that way puts its task back where it was, to be delivered again — never
    /// lost. Every task of both lanes is delivered at least once.
    /// </summary>
    [Fact]
    public async Task AMasterKilledMidBatch_ItsReplicaTakesOver_AndEveryTaskIsDeliveredAtLeastOnce()
    {
        await using var rig = await FaultRig.StartAsync(clusterMasters: 3, lanes: Lanes);
        var cluster = rig.System.Cluster!;
        await rig.System.SetIngestFaultsAsync(0, latencyMs: 20);
        var workers = new[] { await rig.StartWorkerAsync("first"), await rig.StartWorkerAsync("second") };
        var bulk = await rig.SubmitBatchAsync("failover", 200, Bulk);
        var interactive = await rig.SubmitBatchAsync("beside", 60, Interactive);
        await Eventually.TrueAsync(async () => (await rig.StoredAsync(bulk)).Count >= 30, Patience, "a first part of the batch");

        var lost = await cluster.KillMasterOfAsync(Bulk);
        await cluster.UntilFailedOverAsync(Bulk, lost);
        var outcome = await rig.WaitForBatchAsync([.. bulk, .. interactive], Patience);

        Assert.Equal(bulk.Count + interactive.Count, outcome.Stored.Count);
        Assert.Empty(outcome.Dead);
        Assert.All(workers, w => Assert.False(w.HasExited, w.Output));
        output.WriteLine($"delivered again after the failover: {outcome.Stored.Values.Sum(d => d - 1)} of {outcome.Stored.Count} tasks");
    }
}

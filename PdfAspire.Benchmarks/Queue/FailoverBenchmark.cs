using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>
/// `./bench.sh --failover`: what a Redis Cluster failover costs the pipeline. A real cluster (3 masters, a replica
/// each), two real workers, a producer pushing one task at a time into the lane while the lane's master is killed
/// (SIGKILL). Replication is asynchronous: a push the old master acknowledged but had not passed on is gone with it.
/// Measured with a plain LPUSH, and with LPUSH then WAIT 1 (a replica has it before the producer counts it queued, as
/// the admin's uploads and cross-lane retries do): pushes acknowledged and lost, how long the lane refused pushes, and
/// what the workers delivered twice.
/// </summary>
public static class FailoverBenchmark
{
    private const string Lane = QueueOptions.DefaultName;
    private const string ObjectKey = "failover/one-page.pdf";
    private const int Producers = 8;

    public static async Task RunAsync(bool smoke, string output, string environment)
    {
        var trials = smoke ? 1 : 3;
        var rows = new List<FailoverRow>();
        foreach (var waitForReplica in new[] { false, true })
        {
            for (var trial = 0; trial < trials; trial++)
            {
                Console.WriteLine($"failover: {(waitForReplica ? "LPUSH + WAIT 1" : "LPUSH")}, trial {trial + 1} of {trials}…");
                rows.Add(await TrialAsync(waitForReplica, smoke ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(8)));
            }
        }
        var report = Markdown(rows, environment);
        Console.WriteLine();
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(output, "failover.md"), report);
        Console.WriteLine($"Written: {output}/failover.md");
    }

    private static async Task<FailoverRow> TrialAsync(bool waitForReplica, TimeSpan producing)
    {
        await using var system = await LocalSystem.StartAsync(clusterMasters: 3);
        var cluster = system.Cluster!;
        await system.UploadAsync(ObjectKey, BenchCorpus.OnePagers(1)[0].Content);
        await using var first = await StartWorkerAsync(system);
        await using var second = await StartWorkerAsync(system);
        var replicas = new ReplicaAcknowledgement(system.Redis);
        var db = system.Redis.GetDatabase();

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var refused = 0;
        var next = -1;
        TimeSpan? unavailable = null;
        DateTimeOffset? killedAt = null;
        var producingFor = Stopwatch.StartNew();
        var killing = Task.Run(async () =>
        {
            await Task.Delay(producing / 3);
            await cluster.KillMasterOfAsync(Lane);
            killedAt = DateTimeOffset.UtcNow;
        });
        // Several producers at once, as a busy upload service has: more pushes in flight when the master dies.
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            while (producingFor.Elapsed < producing || unavailable is null && killedAt is not null)
            {
                var id = $"failover-{Interlocked.Increment(ref next).ToString("D6", CultureInfo.InvariantCulture)}";
                try
                {
                    await db.ListLeftPushAsync(Lane, TaskJson(id));
                    if (waitForReplica && !(await replicas.ConfirmAsync(Lane)).Safe)
                    {
                        // Not on a replica within the timeout: the producer cannot count it queued (it would push again).
                        Interlocked.Increment(ref refused);
                        continue;
                    }
                    acknowledged.Add(id);
                    if (killedAt is { } at && unavailable is null)
                    {
                        unavailable = DateTimeOffset.UtcNow - at;
                    }
                }
                catch (Exception e) when (RedisFailure.IsOutage(e))
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(50);
                }
            }
        })));
        await killing;
        Console.WriteLine($"  {acknowledged.Count:N0} pushes acknowledged, {refused:N0} refused, the lane unavailable {(unavailable ?? TimeSpan.Zero).TotalSeconds:0.0} s; waiting for the workers…");

        // Everything acknowledged that still exists is delivered in the end; what is not by then is lost.
        var stored = new Dictionary<string, int>();
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(90))
        {
            stored = await StoredAsync(system);
            if (acknowledged.All(stored.ContainsKey))
            {
                break;
            }
            await Task.Delay(250);
        }
        return new FailoverRow(waitForReplica, acknowledged.Count, refused, acknowledged.Count(id => !stored.ContainsKey(id)),
            stored.Values.Count(d => d > 1), unavailable ?? TimeSpan.Zero);
    }

    private static Task<WorkerProcess> StartWorkerAsync(LocalSystem system)
    {
        var environment = system.WorkerEnvironment().ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["OCR_ENABLED"] = "false";
        environment["LEASE_TIMEOUT_SECONDS"] = "5";
        environment["Logging__LogLevel__Default"] = "Error";
        return WorkerProcess.StartAsync(WorkerProcess.Assembly("Release"), environment, "failover", TimeSpan.FromMinutes(1));
    }

    private static string TaskJson(string id) => JsonSerializer.Serialize(
        new UploadTask { TaskId = id, Bucket = LocalSystem.Bucket, ObjectKey = ObjectKey, FileName = "one-page.pdf" }, TaskQueueJsonContext.Default.UploadTask);

    private static async Task<Dictionary<string, int>> StoredAsync(LocalSystem system) =>
        (await system.Stub.GetFromJsonAsync<List<JsonElement>>("/results"))!
            .ToDictionary(r => r.GetProperty("task_id").GetString()!, r => r.GetProperty("deliveries").GetInt32());

    private static string Markdown(IReadOnlyList<FailoverRow> rows, string environment)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Failover ({environment})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Redis Cluster of 3 masters and 3 replicas (cluster-node-timeout {RedisCluster.NodeTimeout.TotalMilliseconds:0} ms), two workers; the lane's master SIGKILLed while {Producers} producers push.");
        text.AppendLine();
        text.AppendLine("| producer | trials | pushes acknowledged | refused (the producer knows) | acknowledged, then lost | delivered twice | lane unavailable, s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => r.WaitForReplica))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {(group.Key ? "LPUSH, then WAIT 1" : "LPUSH")} | {group.Count()} | {group.Sum(r => r.Acknowledged):N0} | {group.Sum(r => r.Refused):N0} | {group.Sum(r => r.Lost)} | {group.Sum(r => r.DeliveredTwice)} | {string.Join(", ", group.Select(r => r.Unavailable.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)))} |");
        }
        return text.ToString();
    }

    private sealed record FailoverRow(bool WaitForReplica, int Acknowledged, int Refused, int Lost, int DeliveredTwice, TimeSpan Unavailable);
}

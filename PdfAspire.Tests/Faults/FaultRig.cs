using System.Net.Http.Json;
using System.Text.Json;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace PdfAspire.Tests.Faults;

/// <summary>
/// A whole pipeline of one fault test's own: redis-server (append-only file on) or a Redis Cluster, s3rver and the Go
/// stub as local processes the test can stop, kill and restart, plus worker processes it starts and kills, all taking
/// from the same lanes. It counts where every task of a batch ended: stored once by ingest, or a dead letter.
/// </summary>
public sealed class FaultRig : IAsyncDisposable
{
    /// <summary>What every fault test's workers use: quick reaping and retries, and outages that outlast no budget.</summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["LEASE_TIMEOUT_SECONDS"] = "3",
        ["MAX_ATTEMPTS"] = "10",
        ["MAX_INFRASTRUCTURE_RETRIES"] = "1000",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private readonly List<WorkerProcess> _workers = [];

    private readonly string _lanes;

    private FaultRig(LocalSystem system, string lanes)
    {
        System = system;
        _lanes = lanes;
        Lanes = QueueParts.Lanes(system.Redis, lanes: lanes);
        Administration = QueueParts.Administration(system.Redis, Lanes);
    }

    public LocalSystem System { get; }
    public QueueLanes Lanes { get; }
    public QueueKeys Keys => Lanes.Default.Keys;
    public QueueMoves Queue => Lanes.Default.Moves;
    public QueueAdministration Administration { get; }
    public IDatabase Redis => System.Redis.GetDatabase();

    /// <param name="redisPassword">Redis requires this password.</param>
    /// <param name="clusterMasters">When above 0, a Redis Cluster of that many masters (a replica each) in place of one redis-server.</param>
    /// <param name="lanes">REDIS_QUEUE_LANES for every worker; empty for the one lane.</param>
    public static async Task<FaultRig> StartAsync(string? redisPassword = null, int clusterMasters = 0, string lanes = "") =>
        new(await LocalSystem.StartAsync(durableRedis: true, redisPassword, clusterMasters), lanes);

    public async Task<WorkerProcess> StartWorkerAsync(string name, int concurrency = 2, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?>(Defaults) { ["WORKER_CONCURRENCY"] = $"{concurrency}", ["REDIS_QUEUE_LANES"] = _lanes };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        var worker = await WorkerProcess.StartAsync(System.WorkerEnvironment(), name, merged);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Uploads <paramref name="count"/> distinct one-page PDFs and queues a task for each.</summary>
    public async Task<IReadOnlyList<string>> SubmitBatchAsync(string prefix, int count, string? lane = null)
    {
        var ids = await UploadBatchAsync(prefix, count);
        await EnqueueAsync(ids.Select(id => TaskJson(prefix, id)), lane);
        return ids;
    }

    /// <summary>Uploads <paramref name="count"/> distinct one-page PDFs; their tasks are <see cref="TaskJson"/>.</summary>
    public async Task<IReadOnlyList<string>> UploadBatchAsync(string prefix, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D4}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (id, _) => await System.UploadAsync($"{prefix}/{id}.pdf", Corpus.Generated($"document {id}")));
        return ids;
    }

    /// <summary>Pushes tasks as a producer does: to the lane's pending list (the default lane's unless named).</summary>
    public Task EnqueueAsync(IEnumerable<string> payloads, string? lane = null) =>
        Redis.ListLeftPushAsync(lane ?? Keys.Pending, [.. payloads.Select(p => (RedisValue)p)]);

    public static string TaskJson(string prefix, string id) => JsonSerializer.Serialize(
        new UploadTask { TaskId = id, ObjectKey = $"{prefix}/{id}.pdf", FileName = $"{id}.pdf" }, TaskQueueJsonContext.Default.UploadTask);

    /// <summary>Tasks that ingest has stored, with how often each was delivered.</summary>
    public async Task<IReadOnlyDictionary<string, int>> StoredAsync(IReadOnlyCollection<string> ids)
    {
        var all = await System.Stub.GetFromJsonAsync<List<ResultSummary>>("/results", TestContext.Current.CancellationToken);
        return all!.Where(r => ids.Contains(r.TaskId)).ToDictionary(r => r.TaskId, r => r.Deliveries);
    }

    public async Task<IReadOnlyDictionary<string, DeadLetter>> DeadLettersAsync() =>
        (await Administration.DeadLettersAsync()).ToDictionary(d => d.TaskId);

    /// <summary>
    /// Waits until every task has ended, stored or dead-lettered, and the queue holds nothing more: no task pending,
    /// in flight or waiting for a retry. Then checks that no task ended both ways.
    /// </summary>
    public async Task<BatchOutcome> WaitForBatchAsync(IReadOnlyCollection<string> ids, TimeSpan timeout)
    {
        BatchOutcome outcome;
        try
        {
            outcome = await Eventually.ValueAsync(async () =>
            {
                var stored = await StoredAsync(ids);
                var dead = (await DeadLettersAsync()).Where(d => ids.Contains(d.Key)).ToDictionary();
                return new BatchOutcome(stored, dead, await InQueueAsync());
            }, o => o.Stored.Count + o.Dead.Count >= ids.Count && o.InQueue == 0, timeout, $"{ids.Count} tasks to end");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A batch that stops moving is the workers' story: CI once left 164 tasks pending after a Redis restart.
            Assert.Fail($"{e.Message}\n{string.Join("\n", _workers.Select(w => $"--- a worker's last output:\n{w.Output[^Math.Min(w.Output.Length, 4000)..]}"))}");
            throw;
        }
        Assert.Empty(outcome.Stored.Keys.Intersect(outcome.Dead.Keys));
        return outcome;
    }

    /// <summary>Pending, delayed and in-flight entries of every lane, all workers' processing lists together.</summary>
    public async Task<long> InQueueAsync()
    {
        long total = 0;
        foreach (var keys in Lanes.All.Select(l => l.Keys))
        {
            foreach (var server in System.Redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            {
                await foreach (var key in server.KeysAsync(pattern: keys.ProcessingPrefix + "*"))
                {
                    total += await Redis.ListLengthAsync(key);
                }
            }
            total += await Redis.ListLengthAsync(keys.Pending) + await Redis.SortedSetLengthAsync(keys.Delayed);
        }
        return total;
    }

    /// <summary>How many times the tasks so far have waited out an infrastructure outage.</summary>
    public async Task<long> InfrastructureRetriesAsync(IEnumerable<string> ids)
    {
        var values = await Task.WhenAll(ids.Select(id => Redis.HashGetAsync(Keys.Task(id), TaskRecordFields.InfrastructureRetries)));
        return values.Sum(v => (long?)v ?? 0);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }
        await System.DisposeAsync();
    }
}

/// <summary>Where a batch's tasks ended.</summary>
public sealed record BatchOutcome(IReadOnlyDictionary<string, int> Stored, IReadOnlyDictionary<string, DeadLetter> Dead, long InQueue)
{
    /// <summary>What a timed-out wait reports: counts, and the categories of the dead letters.</summary>
    public override string ToString() =>
        $"{Stored.Count} stored, {Dead.Count} dead ({string.Join(", ", Dead.Values.GroupBy(d => d.Category).Select(g => $"{g.Key} {g.Count()}"))}), {InQueue} still in the queue";
}

using System.Net.Http.Json;
using System.Text.Json;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace PdfAspire.Tests.Faults;

/// <summary>
/// A whole pipeline of one fault test's own: redis-server (append-only file on), s3rver and the Go stub as local
/// processes the test can stop, kill and restart, plus worker processes it starts and kills. It counts where every
/// task of a batch ended: stored once by ingest, or a dead letter.
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

    private FaultRig(LocalSystem system)
    {
        System = system;
        Queue = new QueueMoves(system.Redis, Keys, new TaskHistory(system.Redis, Keys), Microsoft.Extensions.Options.Options.Create(new RetentionOptions()));
        Administration = new QueueAdministration(system.Redis, Keys, new WorkerRegistry(system.Redis, Keys), TimeProvider.System);
    }

    public LocalSystem System { get; }
    public QueueKeys Keys { get; } = new(QueueOptions.DefaultName);
    public QueueMoves Queue { get; }
    public QueueAdministration Administration { get; }
    public IDatabase Redis => System.Redis.GetDatabase();

    public static async Task<FaultRig> StartAsync(string? redisPassword = null) =>
        new(await LocalSystem.StartAsync(durableRedis: true, redisPassword));

    public async Task<WorkerProcess> StartWorkerAsync(string name, int concurrency = 2, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?>(Defaults) { ["WORKER_CONCURRENCY"] = $"{concurrency}" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        var worker = await WorkerProcess.StartAsync(System.WorkerEnvironment(), name, merged);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Uploads <paramref name="count"/> distinct one-page PDFs and queues a task for each.</summary>
    public async Task<IReadOnlyList<string>> SubmitBatchAsync(string prefix, int count)
    {
        var ids = await UploadBatchAsync(prefix, count);
        await EnqueueAsync(ids.Select(id => TaskJson(prefix, id)));
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

    public Task EnqueueAsync(IEnumerable<string> payloads) =>
        Redis.ListLeftPushAsync(Keys.Pending, [.. payloads.Select(p => (RedisValue)p)]);

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
        var outcome = await Eventually.ValueAsync(async () =>
        {
            var stored = await StoredAsync(ids);
            var dead = (await DeadLettersAsync()).Where(d => ids.Contains(d.Key)).ToDictionary();
            return new BatchOutcome(stored, dead, await InQueueAsync());
        }, o => o.Stored.Count + o.Dead.Count >= ids.Count && o.InQueue == 0, timeout, $"{ids.Count} tasks to end");
        Assert.Empty(outcome.Stored.Keys.Intersect(outcome.Dead.Keys));
        return outcome;
    }

    /// <summary>Pending, delayed and in-flight entries, all workers' processing lists together.</summary>
    public async Task<long> InQueueAsync()
    {
        var server = System.Redis.GetServer(System.Redis.GetEndPoints()[0]);
        long inFlight = 0;
        await foreach (var key in server.KeysAsync(pattern: Keys.ProcessingPrefix + "*"))
        {
            inFlight += await Redis.ListLengthAsync(key);
        }
        return await Redis.ListLengthAsync(Keys.Pending) + await Redis.SortedSetLengthAsync(Keys.Delayed) + inFlight;
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

using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>
/// `./bench.sh --queue`: what one task costs the Redis every worker shares, measured on a real redis-server configured
/// as `./run.sh` configures it, what workers and the admin cost it while nothing is queued, and whether search stays
/// as quick after many histories have expired.
/// </summary>
public static class QueueBenchmark
{
    public static readonly int[] Consumers = [1, 4, 16, 64];

    public static async Task RunAsync(bool smoke, string output, string environment)
    {
        await using var system = await LocalSystem.StartAsync(durableRedis: true);
        var server = system.Redis.GetServer(system.Redis.GetEndPoints()[0]);
        var redisAddress = system.WorkerEnvironment()["ConnectionStrings__redis"];
        var fsync = (await server.ConfigGetAsync("appendfsync")).Single().Value;
        var rows = new List<QueueRow>();
        foreach (var consumers in Consumers)
        {
            var tasks = smoke ? 200 : 12_000;
            Console.WriteLine($"queue: {consumers} consumer(s), {tasks:N0} tasks…");
            rows.Add(await MeasureAsync(system, server, redisAddress, consumers, tasks, fsync, new RetentionOptions()));
        }
        if (!smoke)
        {
            Console.WriteLine("queue: the floor, a bare reliable list (BLMOVE and LREM), 16 consumers…");
            rows.Add(await MeasureFloorAsync(system, server, redisAddress, 16, 12_000, fsync));
        }
        if (!smoke)
        {
            // At the count limit every task is also forgotten, oldest first, while the others run: retention's steady state.
            Console.WriteLine("queue: 16 consumers, retention at its count limit…");
            rows.Add(await MeasureAsync(system, server, redisAddress, 16, 40_000, fsync, new RetentionOptions { MaxTasks = 2_000 }, "at the count limit"));
            var other = fsync == "always" ? "everysec" : "always";
            Console.WriteLine($"queue: 16 consumers, appendfsync {other}…");
            await server.ConfigSetAsync("appendfsync", other);
            rows.Add(await MeasureAsync(system, server, redisAddress, 16, 12_000, other, new RetentionOptions()));
            await server.ConfigSetAsync("appendfsync", fsync);
        }

        Console.WriteLine("queue: search before and after many histories expired…");
        var search = await SearchAfterExpiry.MeasureAsync(system, redisAddress, smoke ? 2_000 : 100_000);

        Console.WriteLine("queue: background cost with nothing queued…");
        var idle = await IdleCost.MeasureAsync(system, server, TimeSpan.FromSeconds(smoke ? 5 : 20));

        var report = new QueueReport(rows, idle, search, environment);
        var markdown = report.Markdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(Path.Combine(output, "queue.md"), markdown);
        Console.WriteLine($"Written: {output}/queue.md");
    }

    private static async Task<QueueRow> MeasureAsync(LocalSystem system, IServer server, string redis, int consumers, int tasks, string fsync,
        RetentionOptions retention, string? note = null)
    {
        await system.ResetAsync();
        var empty = await RedisCounters.ReadAsync(server, system.RedisServer.Id);
        await QueueLoad.QueueAsync(system.Redis.GetDatabase(), tasks);
        RedisCounters? ready = null;
        RedisCounters? settled = null;
        var elapsed = await QueueLoad.ConsumeAsync(redis, consumers, tasks, retention,
            async () => ready = await RedisCounters.ReadAsync(server, system.RedisServer.Id),
            async () => settled = await RedisCounters.ReadAsync(server, system.RedisServer.Id));
        // Read once the consumers have gone: what Redis keeps for the tasks, not the buffers of their connections.
        var kept = (await RedisCounters.ReadAsync(server, system.RedisServer.Id)).Since(empty);
        var keys = new QueueKeys(QueueOptions.DefaultName);
        var db = system.Redis.GetDatabase();
        var histories = await db.SortedSetLengthAsync(keys.RecentTasks);
        var deadBytes = await MemoryUsageAsync(db, keys.Dead);
        var detailsBytes = await MemoryUsageAsync(db, keys.ResultDetails);
        var details = await db.HashLengthAsync(keys.ResultDetails);
        return new QueueRow(consumers, tasks, fsync, note, elapsed, settled!.Since(ready!),
            RetainedBytesPerTask: (kept.UsedMemory - deadBytes - detailsBytes) / (double)histories,
            Histories: histories,
            DetailsKept: details,
            DetailsBytes: detailsBytes);
    }

    private static async Task<QueueRow> MeasureFloorAsync(LocalSystem system, IServer server, string redis, int consumers, int tasks, string fsync)
    {
        await system.ResetAsync();
        await QueueLoad.QueueAsync(system.Redis.GetDatabase(), tasks);
        RedisCounters? ready = null;
        RedisCounters? settled = null;
        var elapsed = await QueueLoad.FloorAsync(redis, consumers, tasks,
            async () => ready = await RedisCounters.ReadAsync(server, system.RedisServer.Id),
            async () => settled = await RedisCounters.ReadAsync(server, system.RedisServer.Id));
        return new QueueRow(consumers, tasks, fsync, QueueRow.FloorNote, elapsed, settled!.Since(ready!), 0, 0, 0, 0);
    }

    /// <summary>Redis's own count of the bytes a key holds, every element counted (SAMPLES 0).</summary>
    private static async Task<long> MemoryUsageAsync(IDatabase db, RedisKey key)
    {
        var bytes = await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
        return bytes.IsNull ? 0 : (long)bytes;
    }
}

/// <summary>
/// One load row: redis-server's counters over the time the consumers took to settle every task. The memory per
/// retained task is what Redis holds per task history after the run (record, timeline, search entries, place in the
/// recent list), with the dead letters and the result details' window (at most TASK_DETAILS_MAX_TASKS entries,
/// whatever the traffic: <c>DetailsKept</c>, <c>DetailsBytes</c>) counted apart.
/// </summary>
public sealed record QueueRow(int Consumers, int Tasks, string Fsync, string? Note, TimeSpan Elapsed, RedisCounters Used, double RetainedBytesPerTask,
    long Histories, long DetailsKept, long DetailsBytes)
{
    public const string FloorNote = "the floor: BLMOVE + LREM, no history";

    public bool IsFloor => Note == FloorNote;

    public double TasksPerSecond => Tasks / Elapsed.TotalSeconds;

    public double RedisCpuMicrosecondsPerTask => Used.CpuSeconds * 1e6 / Tasks;

    public double RoundTripsPerTask => Used.Reads / (double)Tasks;

    public double CommandsPerTask => Used.Commands / (double)Tasks;
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>
/// `./bench.sh --lanes`: what lanes buy a task behind a backlog, with a real worker (isolated extractors) on real
/// one-page PDFs. Strict order: a bulk lane holds thousands of tasks when, one at a time, a task is pushed into the
/// interactive lane; how long until ingest has it, against its own processing time (take to ingest). Weighted order
/// (interactive 3, bulk 1), both lanes full: the share of tasks each lane gets.
/// </summary>
public static class LanesBenchmark
{
    private const string Interactive = "queue:interactive";
    private const string Bulk = QueueOptions.DefaultName;

    public static async Task RunAsync(bool smoke, string output, string environment)
    {
        var backlog = smoke ? 300 : 5_000;
        var probes = smoke ? 5 : 20;
        var onePagers = BenchCorpus.OnePagers(smoke ? 12 : 200);
        await using var system = await LocalSystem.StartAsync();
        await PipelineRuns.UploadAsync(system, onePagers, "one-page");

        Console.WriteLine($"lanes: strict order, {backlog:N0} bulk tasks waiting, {probes} interactive tasks…");
        var strict = await StrictAsync(system, onePagers, backlog, probes);
        Console.WriteLine($"lanes: weighted order ({Interactive}=3, {Bulk}=1), both lanes full…");
        var weighted = await WeightedAsync(system, onePagers, smoke ? 200 : 4_000);
        List<CostRow> costs = [];
        foreach (var (name, lanes) in new[] { ("one lane", Bulk), ("strict, two lanes (tasks in the lower)", $"{Interactive},{Bulk}") })
        {
            Console.WriteLine($"lanes: what a task costs Redis, {name}…");
            costs.Add(await CostAsync(system, onePagers, name, lanes, smoke ? 300 : 3_000));
        }

        var report = Markdown(strict, weighted, costs, backlog, environment);
        Console.WriteLine();
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(output, "lanes.md"), report);
        Console.WriteLine($"Written: {output}/lanes.md");
    }

    /// <summary>One interactive task at a time, each pushed while the bulk backlog is still there.</summary>
    private static async Task<StrictResult> StrictAsync(LocalSystem system, IReadOnlyList<CorpusDocument> onePagers, int backlog, int probes)
    {
        await system.ResetAsync();
        await using var worker = await StartWorkerAsync(system, $"{Interactive},{Bulk}");
        var db = system.Redis.GetDatabase();
        await db.ListLeftPushAsync(Bulk, [.. Enumerable.Range(0, backlog).Select(i => (RedisValue)LaneTask("bulk", i, onePagers))]);
        // Warm: the worker has been through a hundred tasks before anything is timed.
        await LocalSystem.UntilDoneAsync(async () => await db.ListLengthAsync(Bulk) <= backlog - 100);
        var ratios = new List<double>();
        var latencies = new List<double>();
        var waiting = new List<long>();
        var started = Stopwatch.StartNew();
        var bulkAtStart = await db.ListLengthAsync(Bulk);
        for (var i = 0; i < probes; i++)
        {
            waiting.Add(await db.ListLengthAsync(Bulk));
            var queuedAt = DateTimeOffset.UtcNow;
            await db.ListLeftPushAsync(Interactive, LaneTask("interactive", i, onePagers));
            var stored = await PipelineRuns.WaitForResultAsync(system, PipelineRuns.TaskId("interactive", i));
            var latency = (stored.StoredAt - queuedAt).TotalMilliseconds;
            latencies.Add(latency);
            ratios.Add(latency / (stored.StoredAt - stored.StartedAt).TotalMilliseconds);
        }
        var bulkRate = (bulkAtStart - await db.ListLengthAsync(Bulk)) / started.Elapsed.TotalSeconds;
        return new StrictResult(Sorted(ratios), Sorted(latencies), waiting.Min(), bulkRate);
    }

    /// <summary>
    /// Both lanes full; counts what each delivered from the end of the warm-up until half the interactive lane is done
    /// (the bulk lane, at a third of its pace, is far from empty then, so neither share is cut short).
    /// </summary>
    private static async Task<WeightedResult> WeightedAsync(LocalSystem system, IReadOnlyList<CorpusDocument> onePagers, int perLane)
    {
        await system.ResetAsync();
        await using var worker = await StartWorkerAsync(system, $"{Interactive}=3,{Bulk}=1");
        var db = system.Redis.GetDatabase();
        await db.ListLeftPushAsync(Bulk, [.. Enumerable.Range(0, perLane).Select(i => (RedisValue)LaneTask("bulk", i, onePagers))]);
        await db.ListLeftPushAsync(Interactive, [.. Enumerable.Range(0, perLane).Select(i => (RedisValue)LaneTask("interactive", i, onePagers))]);
        await LocalSystem.UntilDoneAsync(async () => await db.ListLengthAsync(Interactive) + await db.ListLengthAsync(Bulk) <= 2 * perLane - 40);
        var (interactiveBefore, bulkBefore) = (await db.ListLengthAsync(Interactive), await db.ListLengthAsync(Bulk));
        var window = Stopwatch.StartNew();
        await LocalSystem.UntilDoneAsync(async () => await db.ListLengthAsync(Interactive) <= interactiveBefore / 2);
        var (interactiveAfter, bulkAfter) = (await db.ListLengthAsync(Interactive), await db.ListLengthAsync(Bulk));
        if (bulkAfter == 0)
        {
            throw new InvalidOperationException("the bulk lane ran dry within the window: its share would be understated");
        }
        return new WeightedResult(interactiveBefore - interactiveAfter, bulkBefore - bulkAfter, window.Elapsed);
    }

    /// <summary>Redis's round trips (read events) and commands per task while one worker drains a backlog of the bulk lane.</summary>
    private static async Task<CostRow> CostAsync(LocalSystem system, IReadOnlyList<CorpusDocument> onePagers, string name, string lanes, int backlog)
    {
        await system.ResetAsync();
        await using var worker = await StartWorkerAsync(system, lanes);
        var db = system.Redis.GetDatabase();
        var server = system.Redis.GetServer(system.Redis.GetEndPoints()[0]);
        await db.ListLeftPushAsync(Bulk, [.. Enumerable.Range(0, backlog).Select(i => (RedisValue)LaneTask("bulk", i, onePagers))]);
        await LocalSystem.UntilDoneAsync(async () => await db.ListLengthAsync(Bulk) <= backlog - 50);
        var (left, before) = (await db.ListLengthAsync(Bulk), await RedisCounters.ReadAsync(server, system.RedisServer.Id));
        await LocalSystem.UntilDoneAsync(async () => await db.ListLengthAsync(Bulk) <= backlog / 5);
        var (leftAfter, after) = (await db.ListLengthAsync(Bulk), await RedisCounters.ReadAsync(server, system.RedisServer.Id));
        var used = after.Since(before);
        var tasks = left - leftAfter;
        return new CostRow(name, (double)used.Reads / tasks, (double)used.Commands / tasks);
    }

    private static Task<WorkerProcess> StartWorkerAsync(LocalSystem system, string lanes)
    {
        var environment = system.WorkerEnvironment().ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["REDIS_QUEUE_LANES"] = lanes;
        environment["OCR_ENABLED"] = "false";
        environment["Logging__LogLevel__Default"] = "Warning";
        return WorkerProcess.StartAsync(WorkerProcess.Assembly("Release"), environment, "lanes", TimeSpan.FromMinutes(1));
    }

    private static string LaneTask(string prefix, int i, IReadOnlyList<CorpusDocument> onePagers)
    {
        var document = i % onePagers.Count;
        var json = PipelineRuns.TaskJson("one-page", document, onePagers[document].Name);
        // The same uploaded pages, under task ids of this lane's own.
        return json.Replace($"\"{PipelineRuns.TaskId("one-page", document)}\"", $"\"{PipelineRuns.TaskId(prefix, i)}\"", StringComparison.Ordinal);
    }

    private static List<double> Sorted(List<double> values) => [.. values.Order()];

    private static string Markdown(StrictResult strict, WeightedResult weighted, IReadOnlyList<CostRow> costs, int backlog, string environment)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Lanes ({environment})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Strict order, one worker, {backlog:N0} one-page tasks queued in {Bulk} (still {strict.LeastWaiting:N0} waiting at the last probe):");
        text.AppendLine();
        text.AppendLine("| a task pushed into queue:interactive | p50 | p95 | max |");
        text.AppendLine("|---|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| delivered after, × its own processing time (target p95 ≤ 2) | {Median(strict.Ratios):0.00} | {P95(strict.Ratios):0.00} | {strict.Ratios[^1]:0.00} |");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| delivered after, ms | {Median(strict.LatenciesMs):0} | {P95(strict.LatenciesMs):0} | {strict.LatenciesMs[^1]:0} |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"In one list it would wait behind the backlog: {strict.LeastWaiting:N0} tasks at {strict.BulkPerSecond:0} a second ≈ {strict.LeastWaiting / strict.BulkPerSecond:0.0} s (computed from the rate measured here).");
        text.AppendLine();
        var share = (double)weighted.Bulk / (weighted.Bulk + weighted.Interactive);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Weighted order ({Interactive}=3, {Bulk}=1), both lanes full, {weighted.Window.TotalSeconds:0.0} s: {weighted.Interactive:N0} interactive and {weighted.Bulk:N0} bulk tasks delivered; the bulk lane's share {share:P0} (its weight's share: 25 %).");
        text.AppendLine();
        text.AppendLine("| what a task costs Redis (one worker, the whole pipeline, its housekeeping included) | round trips | commands |");
        text.AppendLine("|---|---:|---:|");
        foreach (var cost in costs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {cost.Name} | {cost.RoundTrips:0.00} | {cost.Commands:0.0} |");
        }
        return text.ToString();
    }

    private static double Median(List<double> sorted) => PipelineRuns.Percentile(sorted, 0.50);

    private static double P95(List<double> sorted) => PipelineRuns.Percentile(sorted, 0.95);

    private sealed record StrictResult(List<double> Ratios, List<double> LatenciesMs, long LeastWaiting, double BulkPerSecond);

    private sealed record WeightedResult(long Interactive, long Bulk, TimeSpan Window);

    private sealed record CostRow(string Name, double RoundTrips, double Commands);
}

using System.Globalization;
using System.Text;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>The queue benchmark's table, the targets evaluated on it, and where the commands go.</summary>
public sealed class QueueReport(IReadOnlyList<QueueRow> rows, IdleResult idle, SearchResult search, string environment)
{
    /// <summary>Sidekiq's ceiling, about 25,000 jobs/s through one Redis: at most ~40 µs of Redis CPU per job.</summary>
    public const double RedisCpuTargetMicroseconds = 40;

    public const double RoundTripsTarget = 4;
    public const double IdleWorkerCommandsTarget = 5;
    public const double RetainedBytesTarget = 1024;

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {environment}; one redis-server as `./run.sh` configures it (appendfsync {rows[0].Fsync}).");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Each consumer is a worker with concurrency 1: take, validate, count the attempt, settle (1 in {QueueLoad.DeadEvery} a dead letter, 1 in {QueueLoad.RetryEvery} retried once), plus its housekeeping; no document work.");
        md.AppendLine();
        md.AppendLine("| consumers | appendfsync | tasks | tasks/s | redis-server CPU µs/task | round trips/task | commands/task | Redis memory per retained task | histories kept | result details' window |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var note = r.Note is null ? "" : $", {r.Note}";
            var memory = r.IsFloor ? "| – | – | – |" : string.Create(CultureInfo.InvariantCulture,
                $"| {r.RetainedBytesPerTask:N0} B | {r.Histories:N0} | {r.DetailsKept:N0} entries, {r.DetailsBytes / 1048576.0:0.0} MiB |");
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Consumers}{note} | {r.Fsync} | {r.Tasks:N0} | {r.TasksPerSecond:N0} | {r.RedisCpuMicrosecondsPerTask:0.0} | {r.RoundTripsPerTask:0.00} | {r.CommandsPerTask:0.0} {memory}");
        }
        md.AppendLine();
        var widest = rows.Where(r => r.Fsync == rows[0].Fsync && r.Note is null).MaxBy(r => r.Consumers)!;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Commands per task at {widest.Consumers} consumers (appendfsync {widest.Fsync}), with the µs Redis counted in each (a script's time includes the commands it calls, which are also listed): {Timed(widest)}. The rest of redis-server's {widest.RedisCpuMicrosecondsPerTask:0} µs per task went to reading requests, writing replies and the append-only file.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Search for a new task on an empty Redis, then after {search.Expired:N0} tasks with the same name and metadata prefixes went through and expired (forgotten in {search.Trimming.TotalSeconds:0.0} s once due; {search.IndexEntriesLeft:N0} index entries left):");
        md.AppendLine();
        md.AppendLine("| search | query | empty Redis | after the expiry |");
        md.AppendLine("|---|---|---:|---:|");
        foreach (var (empty, after) in search.OnEmpty.Zip(search.AfterExpiry))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {empty.Search} | `{empty.Query}` | {(empty.Found ? "found" : "NOT FOUND")}, {empty.MedianMs:0.00} ms | {(after.Found ? "found" : "NOT FOUND")}, {after.MedianMs:0.00} ms |");
        }
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"With nothing queued ({idle.Window.TotalSeconds:0} s each, after 5 s to settle; Redis spends {idle.RedisAloneMicrosecondsPerSecond:0} µs/s by itself with nobody connected, taken out of the figures below):");
        md.AppendLine();
        md.AppendLine("| process | Redis commands/s | round trips/s | redis-server CPU µs/s | its own CPU ms/s | commands |");
        md.AppendLine("|---|---:|---:|---:|---:|---|");
        md.AppendLine(Idle("an idle worker", idle.PerWorker));
        md.AppendLine(Idle("an admin, no browser open", idle.PerAdmin));
        md.AppendLine();
        md.AppendLine("Targets:");
        foreach (var target in Targets())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {target}");
        }
        return md.ToString();
    }

    public IEnumerable<string> Targets()
    {
        var load = rows.Where(r => r.Fsync == rows[0].Fsync && !r.IsFloor).ToList();
        var cpu = load.Max(r => r.RedisCpuMicrosecondsPerTask);
        var trips = load.Max(r => r.RoundTripsPerTask);
        var memory = load.Max(r => r.RetainedBytesPerTask);
        yield return Verdict($"redis-server CPU ≤ {RedisCpuTargetMicroseconds} µs per task (every row)", cpu <= RedisCpuTargetMicroseconds, $"at most {cpu:0.0} µs");
        yield return Verdict($"≤ {RoundTripsTarget} round trips per task (every row)", trips <= RoundTripsTarget, $"at most {trips:0.00}");
        yield return Verdict($"an idle worker ≤ {IdleWorkerCommandsTarget} Redis commands/s", idle.PerWorker.CommandsPerSecond <= IdleWorkerCommandsTarget,
            $"{idle.PerWorker.CommandsPerSecond:0.0}/s");
        yield return Verdict($"≤ {RetainedBytesTarget:N0} B of Redis per retained finished task", memory <= RetainedBytesTarget, $"at most {memory:N0} B");
        var found = search.AfterExpiry.All(s => s.Found);
        var slowest = search.AfterExpiry.Zip(search.OnEmpty).Max(p => p.First.MedianMs / Math.Max(0.01, p.Second.MedianMs));
        yield return Verdict($"after {search.Expired:N0} expired tasks a new one is found by id, name and metadata on the first search, as fast as on an empty Redis",
            found && search.IndexEntriesLeft == 0, $"{(found ? "found by all three" : "NOT found by every search")}, {search.IndexEntriesLeft} stale index entries, slowest search {slowest:0.0} × its time on an empty Redis");
    }

    private static string Idle(string name, IdleLoad load) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {load.CommandsPerSecond:0.0} | {load.RoundTripsPerSecond:0.0} | {load.RedisCpuMicrosecondsPerSecond:0} | {load.OwnCpuMillisecondsPerSecond:0.0} | {Breakdown(load.CommandsPerSecondByName)} |");

    private static string Timed(QueueRow row) =>
        string.Join(", ", row.Used.CallsByCommand.Where(c => c.Value / (double)row.Tasks >= 0.05 && c.Key is not ("info" or "dbsize"))
            .OrderByDescending(c => row.Used.MicrosecondsByCommand.GetValueOrDefault(c.Key))
            .Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{c.Key} {c.Value / (double)row.Tasks:0.##} ({row.Used.MicrosecondsByCommand.GetValueOrDefault(c.Key) / (double)row.Tasks:0.0} µs)")));

    private static string Breakdown(IReadOnlyDictionary<string, double> calls) =>
        string.Join(", ", calls.Where(c => c.Value >= 0.05 && c.Key is not ("info" or "dbsize"))
            .OrderByDescending(c => c.Value).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:0.##}")));

    private static string Verdict(string target, bool met, string measured) => $"{(met ? "met" : "MISSED")}: {target} (measured {measured})";
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Forgets task histories past <see cref="RetentionOptions"/>: older than the retention, or beyond the most recent
/// <see cref="RetentionOptions.MaxTasks"/>, oldest first. Everything a task wrote goes with it — record, timeline,
/// search entries, result details — so after retention Redis holds nothing of it. Dead letters stay until an operator
/// acts (only their history goes), and a task that may still be worked on is never forgotten. Workers and the admin
/// all call this; they take turns through a short lock, and the forgetting script skips any task that changed since
/// it was read, so two trimmers never race.
/// </summary>
public sealed class TaskRetention(IConnectionMultiplexer redis, QueueKeys keys, IOptions<RetentionOptions> options, TimeProvider clock)
{
    /// <summary>Histories forgotten per script call: enough to keep up with any traffic, short enough not to stall Redis.</summary>
    public const int Batch = 250;

    private static readonly TimeSpan TurnLength = TimeSpan.FromSeconds(10);

    private IDatabase Db => redis.GetDatabase();

    public RetentionOptions Options => options.Value;

    /// <summary>Whether histories are over the limits, from what a heartbeat read.</summary>
    public bool IsDue(DateTimeOffset? oldestHistory, long histories) =>
        histories > Options.MaxTasks || oldestHistory < clock.GetUtcNow() - Options.Retention;

    /// <summary>
    /// Forgets what is over the limits, batch by batch, for at most <paramref name="budget"/>; nothing when another
    /// trimmer has the turn. Returns how many histories were forgotten.
    /// </summary>
    public async Task<int> TrimAsync(string trimmer, TimeSpan budget)
    {
        if (!await TakeTurnAsync(trimmer))
        {
            return 0;
        }
        try
        {
            var forgotten = 0;
            var spent = Stopwatch.StartNew();
            while (spent.Elapsed < budget)
            {
                var (batch, considered) = await TrimBatchAsync();
                forgotten += batch;
                if (considered < Batch)
                {
                    break;
                }
            }
            return forgotten;
        }
        finally
        {
            await Db.LockReleaseAsync(keys.Trimming, trimmer);
        }
    }

    /// <summary>
    /// Whether this trimmer has the turn. A Redis at its maxmemory refuses even the lock's few bytes; then everyone
    /// trims, since trimming is what gives it room, and the forgetting script keeps concurrent trimmers apart anyway.
    /// </summary>
    private async Task<bool> TakeTurnAsync(string trimmer)
    {
        try
        {
            return await Db.LockTakeAsync(keys.Trimming, trimmer, TurnLength);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("OOM", StringComparison.Ordinal))
        {
            return true;
        }
    }

    /// <summary>One batch of the oldest histories over the limits: how many were forgotten, and how many were looked at.</summary>
    private async Task<(int Forgotten, int Considered)> TrimBatchAsync()
    {
        var now = clock.GetUtcNow();
        var cutoff = Stamps.Milliseconds(now - Options.Retention);
        var reading = Db.CreateBatch();
        var counting = reading.SortedSetLengthAsync(keys.RecentTasks);
        var oldest = reading.SortedSetRangeByRankWithScoresAsync(keys.RecentTasks, 0, Batch - 1);
        reading.Execute();
        var excess = await counting - Options.MaxTasks;
        var due = (await oldest).Where((entry, rank) => entry.Score < cutoff || rank < excess).ToList();
        if (due.Count == 0)
        {
            return (0, 0);
        }
        // The search entries are computed as they were written, from the record's file name and metadata.
        var records = Db.CreateBatch();
        var fields = due.Select(e => records.HashGetAsync(keys.Task((string)e.Element!), [TaskRecordFields.FileName, TaskRecordFields.Metadata])).ToList();
        records.Execute();
        var args = new List<RedisValue> { keys.TaskPrefix, QueueKeys.EventsSuffix, Stamps.Milliseconds(now) };
        for (var i = 0; i < due.Count; i++)
        {
            var id = (string)due[i].Element!;
            var values = await fields[i];
            var metadata = values[1].IsNullOrEmpty ? null : Metadata(values[1]!);
            var entries = SearchEntries.For(id, values[0], metadata);
            args.AddRange([id, due[i].Score, entries.Count, .. entries.Select(e => (RedisValue)e)]);
        }
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(HistoryScripts.Forget,
            [keys.RecentTasks, keys.TaskIndex, keys.ResultDetails, keys.ResultDetailsNext], [.. args]))!;
        return ((int)reply[0], due.Count);
    }

    private static IReadOnlyDictionary<string, string>? Metadata(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

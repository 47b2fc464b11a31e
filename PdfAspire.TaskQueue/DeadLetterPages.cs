using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// The failures page's reads, served from the dead letters' index a page at a time: ids by when they failed, each
/// letter's small summary, counts per category. No read loads the payloads; one letter is read whole only to be
/// edited. A search or a category reads summaries in batches and keeps only the ids that match, so what a page costs
/// grows with the summaries (a few hundred bytes a letter), never with the payloads (up to 64 KiB).
/// </summary>
public sealed class DeadLetterPages(IConnectionMultiplexer redis, QueueLanes lanes)
{
    /// <summary>Ids (and summaries) read per round trip while a filter looks through a lane's letters.</summary>
    private const int Batch = 500;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>The letters at <paramref name="skip"/>..+<paramref name="take"/> of those <paramref name="query"/> selects, most recent first, every lane together.</summary>
    public async Task<DeadLetterPage> PageAsync(DeadLetterQuery query, int skip, int take)
    {
        await Task.WhenAll(lanes.All.Select(IndexMissingAsync));
        List<Entry> page;
        int matching;
        if (query.Category is null && query.Search.Trim().Length == 0)
        {
            // Every letter in the time range: each lane's first skip+take ids are enough to merge the page.
            var perLane = await Task.WhenAll(lanes.All.Select(async lane => (
                Entries: await EntriesAsync(lane, query.FailedBefore, 0, skip + take),
                Count: await Db.SortedSetLengthAsync(lane.Keys.DeadIndex, double.NegativeInfinity, Before(query.FailedBefore), Exclude.Stop))));
            matching = (int)perLane.Sum(l => l.Count);
            page = [.. perLane.SelectMany(l => l.Entries).OrderByDescending(e => e.FailedAt).Skip(skip).Take(take)];
        }
        else
        {
            var all = await MatchingAsync(query);
            matching = all.Count;
            page = [.. all.Skip(skip).Take(take)];
        }
        return new DeadLetterPage(await SummariesAsync(page), matching);
    }

    /// <summary>The ids of every letter <paramref name="query"/> selects (and each one's lane), most recent first: what a bulk action acts on.</summary>
    public async Task<IReadOnlyList<string>> IdsAsync(DeadLetterQuery query)
    {
        await Task.WhenAll(lanes.All.Select(IndexMissingAsync));
        return [.. (await MatchingAsync(query)).Select(e => e.TaskId)];
    }

    /// <summary>One letter whole (its payload too), for the editor; null when it is gone.</summary>
    public async Task<DeadLetter?> LetterAsync(string taskId)
    {
        foreach (var lane in lanes.All)
        {
            if (await Db.HashGetAsync(lane.Keys.Dead, taskId) is { IsNull: false } json)
            {
                return System.Text.Json.JsonSerializer.Deserialize((string)json!, TaskQueueJsonContext.Default.DeadLetter)! with { Lane = lane.Name };
            }
        }
        return null;
    }

    /// <summary>How many dead letters there are of each category, every lane together.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CategoriesAsync()
    {
        await Task.WhenAll(lanes.All.Select(IndexMissingAsync));
        var perLane = await Task.WhenAll(lanes.All.Select(lane => Db.HashGetAllAsync(lane.Keys.DeadCounts)));
        return perLane.SelectMany(c => c)
            .GroupBy(c => (string)c.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(c => (long)c.Value), StringComparer.Ordinal);
    }

    /// <summary>Every letter matching a category or search, read a batch of summaries at a time; only the ids are kept.</summary>
    private async Task<List<Entry>> MatchingAsync(DeadLetterQuery query)
    {
        var matches = new List<Entry>();
        foreach (var lane in lanes.All)
        {
            for (var offset = 0; ; offset += Batch)
            {
                var entries = await EntriesAsync(lane, query.FailedBefore, offset, Batch);
                if (entries.Count == 0)
                {
                    break;
                }
                var summaries = await SummariesAsync(entries);
                matches.AddRange(entries.Zip(summaries).Where(p => p.Second is { } s && query.Matches(s)).Select(p => p.First));
                if (entries.Count < Batch)
                {
                    break;
                }
            }
        }
        return [.. matches.OrderByDescending(e => e.FailedAt)];
    }

    private async Task<List<Entry>> EntriesAsync(QueueLane lane, DateTimeOffset? failedBefore, int skip, int take) =>
        [.. (await Db.SortedSetRangeByScoreWithScoresAsync(lane.Keys.DeadIndex, double.NegativeInfinity, Before(failedBefore), Exclude.Stop,
            Order.Descending, skip, take)).Select(e => new Entry((string)e.Element!, lane, e.Score))];

    /// <summary>The summaries of <paramref name="entries"/>, in their order; an entry whose letter went meanwhile is left out.</summary>
    private async Task<IReadOnlyList<DeadLetterSummary>> SummariesAsync(IReadOnlyList<Entry> entries)
    {
        var summaries = new DeadLetterSummary?[entries.Count];
        foreach (var group in entries.Select((e, i) => (Entry: e, At: i)).GroupBy(e => e.Entry.Lane))
        {
            var values = await Db.HashGetAsync(group.Key.Keys.DeadSummaries, [.. group.Select(e => (RedisValue)e.Entry.TaskId)]);
            foreach (var (item, value) in group.Zip(values))
            {
                summaries[item.At] = value.IsNull ? null : DeadLetterSummary.FromJson((string)value!) with { Lane = group.Key.Name };
            }
        }
        return [.. summaries.OfType<DeadLetterSummary>()];
    }

    /// <summary>
    /// Indexes letters written before the index existed (an earlier version's, or moved over from the old layout):
    /// found when a lane has more letters than summaries, which costs two HLENs a read otherwise.
    /// </summary>
    private async Task IndexMissingAsync(QueueLane lane)
    {
        var keys = lane.Keys;
        if (await Db.HashLengthAsync(keys.Dead) <= await Db.HashLengthAsync(keys.DeadSummaries))
        {
            return;
        }
        await foreach (var entry in Db.HashScanAsync(keys.Dead, pageSize: Batch))
        {
            var letter = System.Text.Json.JsonSerializer.Deserialize((string)entry.Value!, TaskQueueJsonContext.Default.DeadLetter)!;
            await Db.ScriptEvaluateAsync(DeadLetterIndexScripts.IndexOne, [keys.Dead, keys.DeadIndex, keys.DeadSummaries, keys.DeadCounts],
                [letter.TaskId, DeadLetterSummary.Of(letter).ToJson(), letter.Category, Stamps.Milliseconds(letter.FailedAt)]);
        }
    }

    private static double Before(DateTimeOffset? failedBefore) =>
        failedBefore is { } before ? before.ToUnixTimeMilliseconds() : double.PositiveInfinity;

    private sealed record Entry(string TaskId, QueueLane Lane, double FailedAt);
}

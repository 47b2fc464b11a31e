using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using PdfAspire.Tests.Retention;
using StackExchange.Redis;

namespace PdfAspire.Tests.Upgrade;

/// <summary>
/// An upgrade from the key layout before lanes loses nothing. <c>keys-2026-12-02.json</c> is what that version itself
/// wrote (DUMP of every key, made by its own worker path and admin on this redis-server): a task delivered, one waiting
/// for a retry, a dead letter, a task in flight on a worker that died, and a pause.
/// </summary>
public sealed class LegacyKeysTests : IAsyncLifetime
{
    private const string Old = "queue:upload_tasks:";

    private readonly RedisServer _redis = new();
    private QueueLanes _lanes = null!;
    private LegacyKeyMigration _migration = null!;

    private IDatabase Db => _redis.Connection.GetDatabase();

    private QueueKeys Keys => _lanes.Default.Keys;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        var dump = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Upgrade", "keys-2026-12-02.json")))!;
        foreach (var key in dump)
        {
            await Db.KeyRestoreAsync(key["key"], Convert.FromBase64String(key["dump"]));
        }
        _lanes = QueueParts.Lanes(_redis.Connection);
        _migration = new LegacyKeyMigration(_redis.Connection, _lanes, TimeProvider.System, NullLogger<LegacyKeyMigration>.Instance);
    }

    [Fact]
    public async Task EverythingTheOldLayoutHeld_IsFoundUnderTheLane_AndTheTasksInItFinish()
    {
        Assert.True(await _migration.MigrateAsync() > 0);

        Assert.Empty(await KeysAsync(Old + "*"));
        Assert.Equal(0, await _migration.MigrateAsync());
        var administration = QueueParts.Administration(_redis.Connection, _lanes);
        Assert.Equal("legacy-dead", Assert.Single(await administration.DeadLettersAsync()).TaskId);
        Assert.True(await Db.KeyExistsAsync(Keys.Paused), "the operator's pause was dropped");
        Assert.Contains("legacy-inflight", (string?)await Db.ListGetByIndexAsync(Keys.Pending, -1), StringComparison.Ordinal);
        Assert.Equal(1, await Db.SortedSetLengthAsync(Keys.Delayed));
        var insights = QueueParts.Insights(_redis.Connection, _lanes);
        Assert.Equal(TaskStatuses.Done, (await insights.TaskAsync("legacy-done"))!.Record.Status);
        Assert.Contains("legacy-done", (await insights.SearchAsync("tenant-legacy")).Select(t => t.TaskId));

        // A worker of this version finishes what the old one left: the task in flight, and the retry once due.
        await administration.ResumeAsync();
        var delivered = 0;
        await using var worker = await RedisPathWorker.ConnectAsync(_redis.Address, "new-worker", Keys, new RetentionOptions(),
            ServedBuckets.Only(QueueRun.Bucket), (task, _) => new Settlement.Delivered(QueueRun.Result(task.TaskId)));
        using var stop = new CancellationTokenSource();
        var running = worker.RunAsync(() => Interlocked.Increment(ref delivered), stop.Token);
        foreach (var id in new[] { "legacy-inflight", "legacy-retry" })
        {
            await Eventually.TrueAsync(async () => (string?)await Db.HashGetAsync(Keys.Task(id), TaskRecordFields.Status) == TaskStatuses.Done,
                TimeSpan.FromSeconds(30), $"{id} to be delivered");
        }
        await stop.CancelAsync();
        await running;
        Assert.Equal(2, delivered);
    }

    [Fact]
    public async Task AnOldWorkerStillAlive_KeepsItsTasks_UntilItsLeaseExpires()
    {
        // A rolling upgrade: an old worker is still processing a task when the first new process looks.
        const string Live = "old-worker-live";
        var payload = QueueRun.TaskJson("legacy-live", "legacy-live.pdf", "tenant-legacy");
        await Db.ListLeftPushAsync($"{Old}processing:{Live}", payload);
        await Db.SortedSetAddAsync($"{Old}workers", Live, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());

        await _migration.MigrateAsync();
        Assert.Equal([payload], (await Db.ListRangeAsync($"{Old}processing:{Live}")).Select(v => (string)v!));

        // It dies; its lease runs out; the next look returns its task.
        await Db.SortedSetAddAsync($"{Old}workers", Live, DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds());
        await _migration.MigrateAsync();
        Assert.Empty(await KeysAsync(Old + "*"));
        Assert.Contains(payload, (await Db.ListRangeAsync(Keys.Pending)).Select(v => (string)v!));
    }

    private async Task<IReadOnlyList<string>> KeysAsync(string pattern) =>
        [.. (await _redis.Server.KeysAsync(pattern: pattern).ToListAsync()).Select(k => (string)k!)];

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}

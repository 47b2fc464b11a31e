using System.Globalization;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Retention;

/// <summary>
/// What retention forgets and what it keeps, on a real redis-server, with the worker's own housekeeping doing the
/// trimming: by age and by count, never a task that may still be worked on, never a dead letter; and a search
/// unaffected by how many tasks went before.
/// </summary>
public sealed class RetentionTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task DeadLetters_OutliveTheirHistory_UntilAnOperatorActs()
    {
        await using var run = await QueueRun.StartAsync(redis, new RetentionOptions { RetentionSeconds = 1 },
            settle: (task, _) => task.TaskId.EndsWith('7')
                ? new Settlement.DeadLettered(FailureCategory.Corrupt, "no page could be read")
                : new Settlement.Delivered(QueueRun.Result(task.TaskId)));

        var ids = await run.RunAsync("letters", 40);
        var dead = ids.Where(id => id.EndsWith('7')).ToList();
        await Eventually.TrueAsync(async () => await run.Db.SortedSetLengthAsync(run.Keys.RecentTasks) == 0, Patience, "every history to be forgotten");

        Assert.Equal(dead.Count, await run.Db.HashLengthAsync(run.Keys.Dead));
        foreach (var id in ids)
        {
            Assert.False(await run.Db.KeyExistsAsync(run.Keys.Task(id)), $"{id}'s record is still there");
        }
        // The admin still shows each letter, from the letter itself.
        var details = await QueueParts.Insights(redis.Connection, QueueParts.Lanes(redis.Connection, run.Keys.Pending)).TaskAsync(dead[0]);
        Assert.Equal("corrupt", details!.DeadLetter!.Category);
    }

    [Fact]
    public async Task TheCountLimit_KeepsTheMostRecentTasksOnly()
    {
        await using var run = await QueueRun.StartAsync(redis, new RetentionOptions { MaxTasks = 200 });

        var ids = await run.RunAsync("counted", 1_000);
        var histories = await Eventually.ValueAsync(() => run.Db.SortedSetLengthAsync(run.Keys.RecentTasks), n => n <= 200, Patience,
            "the histories to come down to TASK_HISTORY_MAX_TASKS");

        Assert.InRange(histories, 1, 200);
        Assert.False(await run.Db.KeyExistsAsync(run.Keys.Task(ids[0])), "the oldest task's history is still there");
        Assert.True(await run.Db.KeyExistsAsync(run.Keys.Task(ids[^1])), "the newest task's history was forgotten");
    }

    /// <summary>A task awaiting its retry keeps its attempts however old it is: forgetting them would let a poison document loop.</summary>
    [Fact]
    public async Task ATaskThatMayStillBeWorkedOn_IsNeverForgotten()
    {
        const string Waiting = "waiting-for-its-retry";
        await using var run = await QueueRun.StartAsync(redis, new RetentionOptions { RetentionSeconds = 1 },
            settle: (task, _) => task.TaskId == Waiting
                ? new Settlement.Retried(FailureCategory.Timeout, "took too long", DateTimeOffset.UtcNow.AddHours(1))
                : new Settlement.Delivered(QueueRun.Result(task.TaskId)));

        await run.Db.ListLeftPushAsync(run.Keys.Pending, QueueRun.TaskJson(Waiting, "slow.pdf", "tenant-slow"));
        await Eventually.TrueAsync(async () => (string?)await run.Db.HashGetAsync(run.Keys.Task(Waiting), TaskRecordFields.Status) == TaskStatuses.Retrying,
            Patience, "the task to wait for its retry");
        var others = await run.RunAsync("passing", 50);
        await Eventually.TrueAsync(async () => !await run.Db.KeyExistsAsync(run.Keys.Task(others[^1])), Patience, "the others' histories to be forgotten");

        var record = await run.Db.HashGetAllAsync(run.Keys.Task(Waiting));
        Assert.Contains(record, f => f.Name == TaskRecordFields.Status && f.Value == TaskStatuses.Retrying);
        Assert.Contains(record, f => f.Name == TaskRecordFields.Attempts && f.Value == 1);
    }

    /// <summary>
    /// Thousands of tasks whose names and metadata start like the new one's went through and expired: the new one is
    /// found by its id, its name's prefix and its metadata on the first search, and the index holds only its entries.
    /// </summary>
    [Fact]
    public async Task ANewTask_IsFoundOnTheFirstSearch_AfterThousandsExpired()
    {
        await using var run = await QueueRun.StartAsync(redis, new RetentionOptions { RetentionSeconds = 1 });
        await run.RunAsync("invoice", 3_000, tenant: "tenant-old");
        await Eventually.TrueAsync(async () => await run.Db.SortedSetLengthAsync(run.Keys.RecentTasks) == 0, Patience, "every history to be forgotten");

        const string Needle = "needle-task";
        await run.Db.ListLeftPushAsync(run.Keys.Pending, QueueRun.TaskJson(Needle, "invoice-needle.pdf", "tenant-needle"));
        await Eventually.TrueAsync(async () => (string?)await run.Db.HashGetAsync(run.Keys.Task(Needle), TaskRecordFields.Status) == TaskStatuses.Done,
            Patience, "the new task to be delivered");
        var insights = QueueParts.Insights(redis.Connection, QueueParts.Lanes(redis.Connection, run.Keys.Pending));

        foreach (var search in new[] { Needle, "invoice-", "INVOICE-NEE", "tenant=tenant-", "tenant-needle" })
        {
            Assert.Contains(Needle, (await insights.SearchAsync(search)).Select(t => t.TaskId));
        }
        Assert.Equal(2, await run.Db.SortedSetLengthAsync(run.Keys.TaskIndex));
    }
}

/// <summary>After retention, Redis holds nothing of the tasks that went through it: its keys and its memory are back at the baseline.</summary>
public sealed class RetentionBaselineTests(RedisServer redis) : IClassFixture<RedisServer>
{
    /// <summary>What Redis may hold beyond the baseline once the tasks are forgotten: its tables shrink a little later than they empty.</summary>
    private const long Tolerance = 64 << 10;

    [Fact]
    public async Task AfterTheRetention_NothingOfThousandsOfTasksIsLeft_AndMemoryIsBackAtTheBaseline()
    {
        await using var run = await QueueRun.StartAsync(redis, new RetentionOptions { RetentionSeconds = 5, DetailsMaxTasks = 1_000 });
        var baselineKeys = await run.KeysAsync();
        var baseline = await UsedMemoryAsync();

        var ids = await run.RunAsync("expiring", 3_000);
        var grown = await UsedMemoryAsync() - baseline;
        var left = await Eventually.ValueAsync(run.KeysAsync, keys => keys.All(k => baselineKeys.Contains(k) || IsMinuteCounter(run, k)),
            TimeSpan.FromMinutes(1), "every key of the tasks to go");
        var after = await Eventually.ValueAsync(UsedMemoryAsync, used => used - baseline < Tolerance, TimeSpan.FromMinutes(1),
            "Redis's memory to come back to the baseline");

        Assert.True(grown > ids.Count * 300L, $"the tasks grew Redis's memory by only {grown:N0} bytes: the test proves nothing");
        Assert.DoesNotContain(left, k => k.StartsWith(run.Keys.TaskPrefix, StringComparison.Ordinal));
        Assert.DoesNotContain(run.Keys.TaskIndex, left);
        Assert.DoesNotContain(run.Keys.RecentTasks, left);
        Assert.DoesNotContain(run.Keys.ResultDetails, left);
        Assert.InRange(after - baseline, long.MinValue, Tolerance);
    }

    /// <summary>The per-minute counters the overview charts: bounded by time (25 hours), not by tasks.</summary>
    private static bool IsMinuteCounter(QueueRun run, string key) => key.StartsWith(run.Keys.Stats(0)[..^1], StringComparison.Ordinal);

    private async Task<long> UsedMemoryAsync()
    {
        var memory = (await redis.Server.InfoAsync("memory")).SelectMany(s => s).First(p => p.Key == "used_memory");
        return long.Parse(memory.Value, CultureInfo.InvariantCulture);
    }
}

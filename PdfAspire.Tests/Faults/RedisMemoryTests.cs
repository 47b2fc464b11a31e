using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Faults;

/// <summary>
/// Redis's memory, against real processes: a Redis that may evict keys makes the worker's and the admin's /health fail
/// with what to change; a Redis at its maxmemory stops the workers, who say why, lose nothing and carry on by
/// themselves once it has room.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class RedisMemoryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ARedisThatMayEvict_FailsTheWorkersAndTheAdminsHealth_NamingTheSettingAndTheFix()
    {
        await using var rig = await FaultRig.StartAsync();
        var worker = await rig.StartWorkerAsync("eviction");
        await using var admin = await AdminProcess.StartAsync(rig.System, TestWorkers.Configuration);
        var server = rig.System.Redis.GetServer(rig.System.Redis.GetEndPoints()[0]);

        await server.ConfigSetAsync("maxmemory-policy", "allkeys-lru");
        var (status, report) = await Eventually.ValueAsync(worker.HealthAsync, h => h.Status == 503, Patience, "the worker's /health to fail");
        var (adminStatus, adminReport) = await Eventually.ValueAsync(() => HealthAsync(admin), h => h.Status == 503, Patience, "the admin's /health to fail");

        foreach (var text in new[] { report, adminReport })
        {
            Assert.Contains("redis-memory: Unhealthy", text, StringComparison.Ordinal);
            Assert.Contains("maxmemory-policy is allkeys-lru", text, StringComparison.Ordinal);
            Assert.Contains("Set maxmemory-policy noeviction", text, StringComparison.Ordinal);
        }
        Assert.Equal((503, 503), (status, adminStatus));

        await server.ConfigSetAsync("maxmemory-policy", "noeviction");
        await Eventually.ValueAsync(worker.HealthAsync, h => h.Status == 200, Patience, "the worker's /health to recover");
        await Eventually.ValueAsync(() => HealthAsync(admin), h => h.Status == 200, Patience, "the admin's /health to recover");
    }

    /// <summary>
    /// Redis fills up mid-batch (its maxmemory set below what it holds, with noeviction): it refuses every write. Tasks
    /// in flight hold their outcome, nothing new is taken, and /health and the log say why. Once Redis has room again,
    /// the workers carry on without a restart, and every task is stored once.
    /// </summary>
    [Fact]
    public async Task RedisAtItsMaxmemory_StopsTheWorkers_WhoSayWhy_LoseNothing_AndCarryOn()
    {
        await using var rig = await FaultRig.StartAsync();
        // Ingest answers slowly, so results are on their way when Redis fills up.
        await rig.System.SetIngestFaultsAsync(0, latencyMs: 300);
        var worker = await rig.StartWorkerAsync("full");
        var ids = await rig.SubmitBatchAsync("full", 30);
        await Eventually.TrueAsync(async () => (await rig.StoredAsync(ids)).Count >= 3, Patience, "the batch to flow");
        var server = rig.System.Redis.GetServer(rig.System.Redis.GetEndPoints()[0]);

        await server.ConfigSetAsync("maxmemory", "1");
        var (_, report) = await Eventually.ValueAsync(worker.HealthAsync, h => h.Report.Contains("Redis is full", StringComparison.Ordinal),
            Patience, "the worker's /health to say that Redis is full");
        var storedWhileFull = (await rig.StoredAsync(ids)).Count;
        var pending = await rig.Redis.ListLengthAsync(rig.Keys.Pending);

        Assert.Contains("queue-consumer: Unhealthy", report, StringComparison.Ordinal);
        Assert.True(pending > 0, "every task was taken before Redis filled up: the test proves nothing");
        Assert.Contains("maxmemory", worker.Output, StringComparison.Ordinal);

        await server.ConfigSetAsync("maxmemory", "0");
        var outcome = await rig.WaitForBatchAsync(ids, Patience);

        Assert.True(storedWhileFull < ids.Count, "the batch ended before Redis filled up: the test proves nothing");
        Assert.Equal(ids.Count, outcome.Stored.Count);
        Assert.All(outcome.Stored.Values, deliveries => Assert.Equal(1, deliveries));
        Assert.Empty(outcome.Dead);
        Assert.Equal(200, (await worker.HealthAsync()).Status);
        Assert.False(worker.HasExited);
    }

    private static async Task<(int Status, string Report)> HealthAsync(AdminProcess admin)
    {
        using var response = await admin.Http.GetAsync("/health");
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

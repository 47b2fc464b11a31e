using PdfAspire.Tests.Faults;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Security;

/// <summary>
/// A Redis password given to the worker the guide's way (REDIS_PASSWORD from a Secret) appears nowhere a worker
/// writes: not in its logs at Debug level through failures and a Redis restart, not in /metrics, dead letters or
/// what it sends to ingest, and not in the environment of the extractor processes that parse untrusted PDFs.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class SecretLeakTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task RedisPassword_AppearsInNoLogMetricDeadLetterResultOrExtractorEnvironment()
    {
        var secret = $"secret-{Guid.NewGuid():N}";
        await using var rig = await FaultRig.StartAsync(redisPassword: secret);
        await rig.System.SetIngestFaultsAsync(failureRate: 0.3, latencyMs: 0);
        var worker = await rig.StartWorkerAsync("discreet", settings: new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Debug" });
        var ids = await rig.SubmitBatchAsync("secrets", 20);
        await rig.System.UploadAsync("secrets/broken.pdf", "%PDF-1.7 nothing else"u8.ToArray());
        await rig.EnqueueAsync([FaultRig.TaskJson("secrets", "broken"), FaultRig.TaskJson("secrets", "missing"), "{not json"]);
        await Eventually.TrueAsync(async () => (await rig.StoredAsync(ids)).Count >= 5, Patience, "a first part of the batch");
        // Connection errors and reconnects get logged: they must name the server, not the password.
        await rig.System.RestartRedisAsync();
        var outcome = await rig.WaitForBatchAsync(ids, Patience);
        Assert.Equal(ids.Count, outcome.Stored.Count);

        var extractors = worker.Extractors();
        Assert.NotEmpty(extractors);
        foreach (var extractor in extractors)
        {
            var environment = await File.ReadAllTextAsync($"/proc/{extractor}/environ", TestContext.Current.CancellationToken);
            Assert.DoesNotContain(secret, environment, StringComparison.Ordinal);
            Assert.DoesNotContain("BUCKET_ACCESS_KEY", environment, StringComparison.Ordinal);
        }
        var letters = await rig.Redis.HashValuesAsync(rig.Keys.Dead);
        Assert.Equal(3, letters.Length);
        var results = await rig.System.Stub.GetStringAsync("/results", TestContext.Current.CancellationToken);
        var oneResult = await rig.System.Stub.GetStringAsync($"/results/{ids[0]}", TestContext.Current.CancellationToken);
        foreach (var (what, text) in new[]
        {
            ("worker output", worker.Output),
            ("/metrics", await worker.MetricsAsync()),
            ("dead letters", string.Join('\n', letters.Select(l => (string?)l))),
            ("results at ingest", results + oneResult),
        })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the Redis password appears in the {what}");
        }
        // The worker really did log at Debug level, so the check above covered its most talkative output.
        Assert.Contains("dbug:", worker.Output, StringComparison.Ordinal);
    }
}

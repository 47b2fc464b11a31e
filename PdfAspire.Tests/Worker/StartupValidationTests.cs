using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Worker;

/// <summary>A misconfigured worker stops at start with a message that names the variable to fix, and no secret.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class StartupValidationTests(AppHostFixture system)
{
    public static TheoryData<string, string?, string> BadSettings => new()
    {
        { "WORKER_CONCURRENCY", "0", "WORKER_CONCURRENCY must be between 1 and 256" },
        { "GO_GRPC_INGEST_ADDR", null, "GO_GRPC_INGEST_ADDR is required" },
        { "BUCKET_ENDPOINT", "not a url", "BUCKET_ENDPOINT must be an absolute http(s) URL" },
        { "REDIS_QUEUE_NAME", "queue with spaces", "REDIS_QUEUE_NAME must not contain spaces" },
        { "MAX_DOCUMENT_BYTES", "12", "MAX_DOCUMENT_BYTES must be between 1 KiB and 2 GiB" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Worker_RefusesToStart_NamingTheVariable(string variable, string? value, string message)
    {
        await using var worker = WorkerProcess.Launch(system, "misconfigured", new Dictionary<string, string?> { [variable] = value });

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, worker.Output, StringComparison.Ordinal);
        // The Redis connection string and S3 credentials are in the environment; none may reach the output.
        Assert.DoesNotContain("S3RVER", worker.Output, StringComparison.Ordinal);
    }
}

using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Isolation;

/// <summary>A new worker starts its extractor processes once it is up, before any document asks for one.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class ExtractorStartTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ANewWorker_StartsItsExtractors_AndItsFirstDocumentsUseThem()
    {
        const string queue = "queue:extractor_start_test";
        await using var worker = await WorkerProcess.StartAsync(system, "prestart", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["WORKER_CONCURRENCY"] = "3",
            ["EXTRACTOR_PROCESSES"] = "3",
        });

        var started = await Eventually.ValueAsync(() => Task.FromResult(worker.Extractors()), e => e.Count == 3, Patience,
            "the three extractors, with no document queued");
        var taskIds = await system.Pipeline.QueueTogetherAsync(queue, "prestart",
            Corpus.Generated("first document"), Corpus.Generated("second document"), Corpus.Generated("third document"));
        var results = await system.Pipeline.WaitForResultsAsync(taskIds, Patience);

        Assert.Equal(3, results.Count);
        // The documents were read by the extractors already running: none was started for them.
        Assert.Equal(started.Order(), worker.Extractors().Order());
    }
}

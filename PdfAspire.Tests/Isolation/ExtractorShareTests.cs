using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Isolation;

/// <summary>
/// A worker has more tasks in flight (WORKER_CONCURRENCY) than extractor processes (EXTRACTOR_PROCESSES): while one
/// task's PDF is downloaded or its result submitted, another's keeps the extractor busy. The tasks share the
/// extractors, and a task's wait for one is not its own time.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class ExtractorShareTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task MoreTasksThanExtractors_ShareThem_AndEveryDocumentIsRead()
    {
        const string queue = "queue:extractor_share_test";
        await using var worker = await WorkerProcess.StartAsync(system, "share", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["WORKER_CONCURRENCY"] = "4",
            ["EXTRACTOR_PROCESSES"] = "2",
        });
        var started = await Eventually.ValueAsync(() => Task.FromResult(worker.Extractors()), e => e.Count == 2, Patience, "the two extractors");

        var pages = Enumerable.Range(1, 12).Select(i => $"shared extractor document {i}").ToList();
        var taskIds = await system.Pipeline.QueueTogetherAsync(queue, "share", pages.Select(p => Corpus.Generated(p)));
        await system.Pipeline.WaitForResultsAsync(taskIds, Patience);

        for (var i = 0; i < taskIds.Count; i++)
        {
            var result = await system.Pipeline.ResultAsync(taskIds[i]);
            Assert.Contains(pages[i], result!.PageTexts.Single(), StringComparison.Ordinal);
        }
        // Twelve documents, four at a time, and still the same two processes: none was started for the other tasks.
        Assert.Equal(started.Order(), worker.Extractors().Order());
    }

    /// <summary>
    /// One extractor, four tasks: three documents that never finish parsing hold it in turn until each one's deadline,
    /// and the fourth, taken while one of them is parsed, waits for it longer than DOCUMENT_TIMEOUT_SECONDS. Counted
    /// from its start it would time out (and the endless documents still waiting would time out too, so the fourth
    /// would not wait as long); counted as download plus extraction, every document gets its full time.
    /// </summary>
    [Fact]
    public async Task ADocumentWaitingForAnExtractor_LongerThanItsDeadline_IsStillRead()
    {
        const string queue = "queue:extractor_wait_test";
        const int timeoutSeconds = 4;
        await using var worker = await WorkerProcess.StartAsync(system, "extractorwait", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["WORKER_CONCURRENCY"] = "4",
            ["EXTRACTOR_PROCESSES"] = "1",
            ["DOCUMENT_TIMEOUT_SECONDS"] = $"{timeoutSeconds}",
            ["MAX_ATTEMPTS"] = "1",
        });
        // A document first, so that the extractor has started and settled: from then on it uses CPU only to parse.
        var warmUp = await system.Pipeline.QueueTogetherAsync(queue, "extractorwarmup", Corpus.Generated("warm-up"));
        await system.Pipeline.WaitForResultsAsync(warmUp, Patience);
        // Each extractor process's CPU from when it was first seen (this one from now): one cut at a deadline is
        // replaced by a new process, whose CPU starts again from nothing, and a sum over the live ones would drop
        // what it had used.
        var cpuFirstSeen = worker.Extractors().Select(pid => (pid, cpu: ProcessCpu.TrySeconds(pid)))
            .Where(e => e.cpu is not null).ToDictionary(e => e.pid, e => e.cpu!.Value);
        bool AnExtractorIsParsing() => worker.Extractors().Any(pid =>
            ProcessCpu.TrySeconds(pid) is { } cpu && !cpuFirstSeen.TryAdd(pid, cpu) && cpu - cpuFirstSeen[pid] > 1);

        var bomb = HostileCorpus.Make("cpu_bomb");
        var endless = await system.Pipeline.QueueTogetherAsync(queue, "endless", bomb, bomb, bomb);
        // The worker took all three at once; once one is being parsed, the others have long been read and wait for the
        // extractor, so the next document queues behind at least one of them that has not begun.
        await Eventually.TrueAsync(() => Task.FromResult(AnExtractorIsParsing()), Patience, "the extractor to parse an endless document");
        var waiting = (await system.Pipeline.QueueTogetherAsync(queue, "waiting", Corpus.Generated("read after a long wait")))[0];

        var result = await Eventually.ValueAsync(() => system.Pipeline.ResultAsync(waiting), r => r is not null, Patience, "the waiting document's result");
        Assert.Contains("read after a long wait", result!.PageTexts.Single(), StringComparison.Ordinal);
        // Its attempt, from start to text, outlasted its deadline: the wait did not count.
        Assert.True(result.StartToExtracted > TimeSpan.FromSeconds(timeoutSeconds + 0.5), $"{result.StartToExtracted} from start to text");
        foreach (var id in endless)
        {
            var letter = await system.Pipeline.WaitForDeadLetterAsync(queue, id, Patience);
            Assert.Equal(FailureCategory.Timeout.WireName(), letter.Category);
        }
    }
}

extern alias worker;

using Microsoft.Extensions.Logging.Abstractions;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using worker::PdfAspire.Worker.Extraction;
using worker::PdfAspire.Worker.Extraction.Isolation;

namespace PdfAspire.Tests.Isolation;

/// <summary>
/// A long document is split into page ranges across the worker's idle extractors (EXTRACTION_SPLIT_PAGES), and the
/// text that reaches ingest is the text of the document read in one piece; the split never keeps another document
/// from an extractor of its own.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class PageSplittingTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task LongDocument_ReadAcrossIdleExtractors_ReachesIngestAsIfReadInOnePiece()
    {
        var ct = TestContext.Current.CancellationToken;
        const string queue = "queue:split_test";
        await using var worker = await WorkerProcess.StartAsync(system, "split", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["WORKER_CONCURRENCY"] = "2",
        });
        // texlive's LaTeX source documentation: 1,221 pages.
        var pdf = await File.ReadAllBytesAsync(Path.Combine(Corpus.Root, "latex/base/source2e.pdf"), ct);

        var taskId = (await system.Pipeline.QueueTogetherAsync(queue, "split", pdf))[0];
        var result = await Eventually.ValueAsync(() => system.Pipeline.ResultAsync(taskId), r => r is not null, Patience, "the long document's result");

        using var alone = ExtractorProcess.Start(new ExtractionSettings(5000, JoinHyphenatedWords: true, Ocr: null), 1024L << 20, NullLogger.Instance);
        var inOnePiece = await alone.ExtractAsync(pdf, ct);
        Assert.Equal(inOnePiece.Pages.Select(p => p.Text), result!.PageTexts);
        var metrics = await worker.MetricsAsync();
        Assert.True(Exposition.Value(metrics, "pdf_extraction_ranges_total", "extractor=\"borrowed\"") > 0, metrics);
        Assert.True(Exposition.Value(metrics, "pdf_extraction_ranges_total", "extractor=\"own\"") > 0, metrics);
    }

    [Fact]
    public async Task WhileALongDocumentBorrowsTheIdleExtractor_AnotherDocumentStillGetsOne()
    {
        const string queue = "queue:split_priority_test";
        await using var worker = await WorkerProcess.StartAsync(system, "splitfirst", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["WORKER_CONCURRENCY"] = "2",
        });
        // 2,000 pages that take minutes together: it keeps borrowing the other extractor for as long as this test runs.
        var slow = (await system.Pipeline.QueueTogetherAsync(queue, "slow", HostileCorpus.Make("cpu_bomb")))[0];
        await Eventually.ValueAsync(async () => Exposition.Value(await worker.MetricsAsync(), "pdf_extraction_ranges_total", "extractor=\"borrowed\""),
            borrowed => borrowed > 0, Patience, "the long document to borrow the idle extractor");

        var quick = (await system.Pipeline.QueueTogetherAsync(queue, "quick", Corpus.Generated("a document of its own")))[0];
        await Eventually.ValueAsync(() => system.Pipeline.ResultAsync(quick), r => r is not null, Patience, "the short document's result");

        // It took the borrowed extractor back after one range, not after the long document: that is still being read.
        Assert.Equal(TaskStatuses.Processing, (string?)await system.Redis.HashGetAsync(new QueueKeys(queue).Task(slow), TaskRecordFields.Status));
    }

    /// <summary>
    /// The deadline ends a split document as a whole, whichever of its extractors is still reading when it comes: its
    /// own, or the one it borrowed while its own has finished and waits. The pages read by then are not the document's
    /// text. With one-page ranges, pages 2 and 3 go one to each extractor, in an order timing decides, so each is tried
    /// as the slow one.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ARangeStillBeingRead_AtTheDeadline_TimesTheDocumentOut_NeverDeliversItWithoutThatPage(int slowPage)
    {
        var queue = $"queue:split_deadline_{slowPage}_test";
        await using var worker = await WorkerProcess.StartAsync(system, "splitdeadline", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["WORKER_CONCURRENCY"] = "2",
            ["EXTRACTION_SPLIT_PAGES"] = "1",
            // Under the 5 s a lent range may run before it is cut and given back to the document's own extractor.
            ["DOCUMENT_TIMEOUT_SECONDS"] = "3",
            ["MAX_ATTEMPTS"] = "1",
        });
        var dead = new QueueKeys(queue).Dead;
        async Task<bool> EndedAsync(string id) => await system.Redis.HashExistsAsync(dead, id) || await system.Pipeline.ResultAsync(id) is not null;
        async Task<double> CutAtDeadlineAsync() => Exposition.Value(await worker.MetricsAsync(), "pdf_extractor_exits_total", "reason=\"deadline\"");

        // Both extractors read a document first, two documents at once: a new extractor's first page can take seconds
        // on a busy machine (it may still be starting, as the worker has just started it), so the document's fast pages
        // below would race its deadline. A warm-up cut by the deadline leaves a new extractor to start again, so it is
        // tried again.
        await Eventually.TrueAsync(async () =>
        {
            var cutBefore = await CutAtDeadlineAsync();
            var warmUps = await system.Pipeline.QueueTogetherAsync(queue, "splitwarmup", Corpus.Generated("one", "two"), Corpus.Generated("three", "four"));
            await Eventually.TrueAsync(async () => await EndedAsync(warmUps[0]) && await EndedAsync(warmUps[1]), Patience, "the warm-up documents to end");
            return worker.Extractors().Count == 2 && await CutAtDeadlineAsync() == cutBefore;
        }, Patience, "both extractors to read a warm-up document inside the deadline");
        var cutAfterWarmUp = await CutAtDeadlineAsync();

        var taskId = (await system.Pipeline.QueueTogetherAsync(queue, "splitdeadline", HostileCorpus.OneSlowPage(slowPage)))[0];
        await Eventually.TrueAsync(() => EndedAsync(taskId), Patience, "the document to end");

        Assert.Null(await system.Pipeline.ResultAsync(taskId));
        Assert.Contains("\"category\":\"timeout\"", (string?)await system.Redis.HashGetAsync(dead, taskId), StringComparison.Ordinal);
        // The extractor reading the slow page was killed at the deadline; the one that had finished its page was not.
        Assert.Equal(cutAfterWarmUp + 1, await CutAtDeadlineAsync());
    }
}

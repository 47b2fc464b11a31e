extern alias worker;

using Microsoft.Extensions.Options;
using Microsoft.IO;
using PdfAspire.TaskQueue;
using worker::PdfAspire.Worker.Configuration;
using worker::PdfAspire.Worker.Extraction;
using worker::PdfAspire.Worker.Processing;
using worker::PdfAspire.Worker.Storage;

namespace PdfAspire.Tests.Worker;

/// <summary>
/// The worker starts a document's S3 GET while Redis records the attempt, and only then decides whether to extract.
/// A run it drops (a poison task, Redis failing) must stop its read and give back what was read.
/// </summary>
public sealed class DocumentRunTests
{
    private static readonly RecyclableMemoryStreamManager Memory = new();

    [Fact]
    public async Task DroppedRun_CancelsTheReadStillInFlight_AndNeverExtracts()
    {
        var extractor = new RecordingExtractor();
        var readToken = new TaskCompletionSource<CancellationToken>();
        var answer = new TaskCompletionSource<DownloadedDocument>();
        // A GET the store never answers: only the run's cancellation can end it.
        var run = Pipeline(extractor).Start(ct =>
        {
            readToken.SetResult(ct);
            return answer.Task.WaitAsync(ct);
        }, firstLane: false, CancellationToken.None);

        // Bounded, so a run that no longer cancels its read fails here instead of hanging the suite.
        await run.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True((await readToken.Task).IsCancellationRequested);
        Assert.Equal(0, extractor.Calls);
    }

    [Fact]
    public async Task DroppedRun_FreesTheDocumentItRead()
    {
        var content = (RecyclableMemoryStream)Memory.GetStream("test", "%PDF-1.7"u8);
        var run = Pipeline(new RecordingExtractor()).Start(_ => Task.FromResult(new DownloadedDocument(content, "hash", TimeSpan.Zero)), firstLane: false, CancellationToken.None);

        await run.DisposeAsync();

        Assert.False(content.CanRead);
    }

    public static TheoryData<Exception> ReadFailures => new()
    {
        new TaskFailedException(PdfAspire.TaskQueue.FailureCategory.ObjectNotFound, "gone"),
        new IOException("connection reset while the read was being cancelled"),
    };

    [Theory]
    [MemberData(nameof(ReadFailures))]
    public async Task DroppedRun_WhoseReadFailed_DisposesQuietly(Exception failure)
    {
        var run = Pipeline(new RecordingExtractor()).Start(_ => Task.FromException<DownloadedDocument>(failure), firstLane: false, CancellationToken.None);

        var thrown = await Record.ExceptionAsync(async () => await run.DisposeAsync());

        Assert.Null(thrown);
    }

    [Fact]
    public async Task ExtractedRun_HandsTheReadDocumentToTheExtractor_AndFreesItAfter()
    {
        var content = (RecyclableMemoryStream)Memory.GetStream("test", "%PDF-1.7"u8);
        var extractor = new RecordingExtractor();
        await using var run = Pipeline(extractor).Start(_ => Task.FromResult(new DownloadedDocument(content, "hash", TimeSpan.Zero)), firstLane: false, CancellationToken.None);

        var processed = await run.ExtractAsync();

        Assert.Equal(1, extractor.Calls);
        Assert.Equal("hash", processed.Sha256);
        Assert.Equal(8, processed.SizeBytes);
        Assert.False(content.CanRead);
    }

    private static DocumentPipeline Pipeline(IDocumentExtractor extractor) => new(extractor, Options.Create(new ProcessingOptions()), TimeProvider.System);

    private sealed class RecordingExtractor : IDocumentExtractor
    {
        public int Calls { get; private set; }

        public Task<ExtractedPdf> ExtractAsync(DownloadedDocument document, DocumentDeadline deadline, bool firstLane)
        {
            Calls++;
            return Task.FromResult(new ExtractedPdf(1, [new PageResult(1, "text")], new PdfMetadata(null, null, null, null, null, null, null, null, "1.7")));
        }

        public ExtractorUsage CurrentUsage() => default;
    }
}

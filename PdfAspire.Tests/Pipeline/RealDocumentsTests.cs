using Grpc.Net.Client;
using Google.Protobuf;
using PdfAspire.Tests.Infrastructure;
using PdfAspire.Worker.V1;

namespace PdfAspire.Tests.Pipeline;

[Collection(SystemUnderTest.Name)]
public sealed class RealDocumentsTests(AppHostFixture system)
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task BatchOfRealPdfs_ReachesIngestOnce_WithPdfinfosPageCounts()
    {
        var documents = Corpus.TexLiveDocuments(maxBytes: 400_000).Where((_, i) => i % 6 == 0).Take(16).ToList();
        var expected = new Dictionary<string, (string Path, int Pages)>();
        foreach (var path in documents)
        {
            var taskId = await system.Pipeline.SubmitAsync("batch", await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), Path.GetFileName(path));
            expected[taskId] = (path, Corpus.PdfInfoPages(path));
        }

        var results = await system.Pipeline.WaitForResultsAsync(expected.Keys, BatchTimeout);

        Assert.All(expected, e =>
        {
            var result = results[e.Key];
            Assert.True(e.Value.Pages == result.PageCount, $"{e.Value.Path}: pdfinfo {e.Value.Pages} pages, ingest {result.PageCount}");
            Assert.Equal(1, result.Deliveries);
            Assert.Equal(0, result.FailedPages);
        });
    }

    [Fact]
    public async Task ProcessDocument_ReturnsTheSameTextAsTheQueuePath()
    {
        // The largest small document: many pages of real text, still quick.
        var path = Corpus.TexLiveDocuments(maxBytes: 300_000).MaxBy(p => new FileInfo(p).Length)!;
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        var taskId = await system.Pipeline.SubmitAsync("same-text", bytes, Path.GetFileName(path));
        await system.Pipeline.WaitForResultsAsync([taskId], BatchTimeout);
        var queued = await system.Pipeline.ResultAsync(taskId);

        using var channel = GrpcChannel.ForAddress(system.Endpoint("pdf-processor-worker", "grpc"));
        var direct = await new WorkerService.WorkerServiceClient(channel).ProcessDocumentAsync(
            new ProcessDocumentRequest { Content = ByteString.CopyFrom(bytes), FileName = Path.GetFileName(path) },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotNull(queued);
        Assert.Equal(queued.PageTexts, direct.Document.Pages.Select(p => p.Text).ToList());
        Assert.Contains(direct.Document.Pages, p => p.Text.Length > 100);
        Assert.Equal(queued.Request.GetProperty("document").GetProperty("sha256").GetString(), direct.Document.Sha256);
    }

    [Fact]
    public async Task ProcessDocument_ReadsFromTheBucket_AndNamesTheCategoryOfABadDocument()
    {
        using var channel = GrpcChannel.ForAddress(system.Endpoint("pdf-processor-worker", "grpc"));
        var client = new WorkerService.WorkerServiceClient(channel);
        var key = $"direct/{Guid.NewGuid():N}.pdf";
        await system.Pipeline.UploadAsync(key, Corpus.Generated("page one", "page two"));

        var fromBucket = await client.ProcessDocumentAsync(new ProcessDocumentRequest
        {
            Object = new PdfAspire.Ingest.V1.ObjectLocation { Bucket = PipelineDriver.Bucket, ObjectKey = key },
        }, cancellationToken: TestContext.Current.CancellationToken);
        var notPdf = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.ProcessDocumentAsync(
            new ProcessDocumentRequest { Content = ByteString.CopyFromUtf8("plain text") },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(2, fromBucket.Document.PageCount);
        Assert.Contains("page two", fromBucket.Document.Pages[1].Text, StringComparison.Ordinal);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, notPdf.StatusCode);
        Assert.StartsWith("not_pdf:", notPdf.Status.Detail, StringComparison.Ordinal);
    }
}

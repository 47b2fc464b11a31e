using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PdfAspire.TaskQueue;
using PdfAspire.Tests.Infrastructure;
using PdfAspire.Worker.V1;

namespace PdfAspire.Tests.Security;

/// <summary>Every way into the worker has a limit, and what is over it or not allowed is refused with a reason.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class InputLimitTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ProcessDocument_RefusesABucketOtherThanTheWorkersOwn()
    {
        using var channel = GrpcChannel.ForAddress(system.Endpoint("pdf-processor-worker", "grpc"));
        var client = new WorkerService.WorkerServiceClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ProcessDocumentAsync(new ProcessDocumentRequest
        {
            Object = new PdfAspire.Ingest.V1.ObjectLocation { Bucket = "someone-elses-bucket", ObjectKey = "payroll.pdf" },
        }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task ProcessDocument_RefusesContentOverTheSizeLimit_BeforeReadingIt()
    {
        using var channel = GrpcChannel.ForAddress(system.Endpoint("pdf-processor-worker", "grpc"));
        var client = new WorkerService.WorkerServiceClient(channel);
        var limit = int.Parse(AppHostFixture.WorkerSettings["MAX_DOCUMENT_BYTES"], System.Globalization.CultureInfo.InvariantCulture);
        var oversized = new byte[limit + (2 << 20)];

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ProcessDocumentAsync(
            new ProcessDocumentRequest { Content = UnsafeByteOperations.UnsafeWrap(oversized) },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
    }

    [Fact]
    public async Task OversizedTaskPayload_BecomesAMalformedTask_WithThePayloadKept()
    {
        var filler = new string('x', 80_000);
        var payload = $$$"""{"task_id":"{{{PipelineDriver.NewTaskId("huge")}}}","object_key":"x.pdf","metadata":{"filler":"{{{filler}}}"}}""";
        var letterId = "malformed-" + UploadTaskParser.DeriveId(payload)["derived-".Length..];

        await system.Pipeline.EnqueueRawAsync(payload);
        var letter = await system.Pipeline.WaitForDeadLetterAsync(letterId, Patience);

        Assert.Equal("malformed_task", letter.Category);
        Assert.Contains("the limit is", letter.Message, StringComparison.Ordinal);
        Assert.Equal(payload, letter.Payload);
    }
}

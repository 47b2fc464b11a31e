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

    /// <summary>
    /// A payload over the 64 KiB limit (30 MB here, as an outside probe sent) is refused by its size: its letter keeps
    /// the first 4 KiB and the size, not the whole, it leaves the processing list, and it can't be re-queued half-kept.
    /// </summary>
    [Fact]
    public async Task OversizedTaskPayload_BecomesAMalformedTask_KeepingABoundedPrefix()
    {
        var filler = new string('x', 30 << 20);
        var payload = $$$"""{"task_id":"{{{PipelineDriver.NewTaskId("huge")}}}","object_key":"x.pdf","metadata":{"filler":"{{{filler}}}"}}""";
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);
        var letterId = UploadTaskParser.MalformedId(bytes);

        await system.Pipeline.EnqueueRawAsync(payload);
        var letter = await system.Pipeline.WaitForDeadLetterAsync(letterId, Patience);
        var stored = await system.Redis.HashGetAsync(system.Pipeline.Keys.Dead, letterId);

        Assert.Equal("malformed_task", letter.Category);
        Assert.Contains("the limit is 65,536", letter.Message, StringComparison.Ordinal);
        Assert.Equal(bytes.Length, letter.PayloadBytes);
        Assert.True(letter.PayloadTruncated);
        Assert.StartsWith(letter.Payload, payload, StringComparison.Ordinal);
        Assert.Equal(4096, letter.Payload.Length);
        Assert.True(((byte[])stored!).Length < 8192, $"the letter is {((byte[])stored!).Length} bytes");
        Assert.False(await system.Pipeline.Administration.RetryDeadLetterAsync(letterId, "tests"));
        Assert.NotNull(await system.Pipeline.DeadLetterAsync(letterId));
        // It left the processing list in the same step (found there by its digest, inside Redis).
        foreach (var worker in await system.Redis.SortedSetRangeByRankAsync(system.Pipeline.Keys.Workers))
        {
            Assert.DoesNotContain(await system.Redis.ListRangeAsync(system.Pipeline.Keys.Processing(worker!)), e => e.Length() > UploadTaskParser.MaxPayloadBytes);
        }
        await system.Redis.HashDeleteAsync(system.Pipeline.Keys.Dead, letterId);
    }
}

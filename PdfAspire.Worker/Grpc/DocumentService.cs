using Grpc.Core;
using Microsoft.Extensions.Options;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Ingest;
using PdfAspire.Worker.Processing;
using PdfAspire.Worker.Storage;
using PdfAspire.Worker.V1;

namespace PdfAspire.Worker.Grpc;

/// <summary>
/// ProcessDocument: the guide's "ingest calls any worker pod" path. The same reading and extraction as the queue
/// path, synchronously; nothing is queued or submitted. A failure comes back as a gRPC status whose detail starts
/// with the failure category.
/// </summary>
public sealed class DocumentService(DocumentReader reader, DocumentPipeline pipeline, IOptions<StorageOptions> storage, TimeProvider clock)
    : WorkerService.WorkerServiceBase
{
    public override async Task<ProcessDocumentResponse> ProcessDocument(ProcessDocumentRequest request, ServerCallContext context)
    {
        var startedAt = clock.GetUtcNow();
        Func<CancellationToken, Task<DownloadedDocument>> read = request.SourceCase switch
        {
            ProcessDocumentRequest.SourceOneofCase.Content => _ => Task.FromResult(reader.FromBytes(request.Content.Span)),
            ProcessDocumentRequest.SourceOneofCase.Object when !string.IsNullOrWhiteSpace(request.Object.ObjectKey) =>
                ct => reader.DownloadAsync(
                    string.IsNullOrWhiteSpace(request.Object.Bucket) ? storage.Value.Bucket : request.Object.Bucket,
                    request.Object.ObjectKey, ct),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "set either content or object.object_key")),
        };
        try
        {
            var processed = await pipeline.RunAsync(read, context.CancellationToken);
            return new ProcessDocumentResponse
            {
                Document = ResultMapping.ToDocument(processed),
                Timings = ResultMapping.ToTimings(processed, null, startedAt, clock.GetUtcNow()),
            };
        }
        catch (TaskFailedException failure)
        {
            throw new RpcException(new Status(StatusFor(failure.Category), $"{failure.Category.WireName()}: {failure.Message}"));
        }
    }

    private static StatusCode StatusFor(FailureCategory category) => category switch
    {
        FailureCategory.ObjectNotFound => StatusCode.NotFound,
        FailureCategory.TooLarge => StatusCode.ResourceExhausted,
        FailureCategory.Timeout => StatusCode.DeadlineExceeded,
        FailureCategory.StorageUnavailable => StatusCode.Unavailable,
        FailureCategory.ParserCrash => StatusCode.Internal,
        _ => StatusCode.InvalidArgument,
    };
}

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
                ct => reader.DownloadAsync(AllowedBucket(request.Object.Bucket), request.Object.ObjectKey, ct),
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

    /// <summary>
    /// The worker's storage credentials may reach more than its bucket; a caller of this unauthenticated endpoint
    /// must not be able to read through them, so only the configured bucket is served.
    /// </summary>
    private string AllowedBucket(string requested)
    {
        var bucket = storage.Value.Bucket;
        if (!string.IsNullOrWhiteSpace(requested) && requested != bucket)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"this worker reads only its own bucket ({bucket})"));
        }
        return bucket;
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

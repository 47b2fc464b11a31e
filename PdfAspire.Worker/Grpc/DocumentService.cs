using Grpc.Core;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Processing;
using PdfAspire.Worker.Storage;
using PdfAspire.Worker.V1;

namespace PdfAspire.Worker.Grpc;

/// <summary>
/// ProcessDocument: the guide's "ingest calls any worker pod" path. The same reading and extraction as the queue
/// path, synchronously; nothing is queued or submitted. A failure comes back as a gRPC status whose detail starts
/// with the failure category.
/// </summary>
public sealed class DocumentService(DocumentReader reader, DocumentPipeline pipeline, ServedBuckets buckets, TimeProvider clock)
    : WorkerService.WorkerServiceBase
{
    public override async Task<ProcessDocumentResponse> ProcessDocument(ProcessDocumentRequest request, ServerCallContext context)
    {
        var startedAt = clock.GetUtcNow();
        var read = Reader(request);
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

    private Func<CancellationToken, Task<DownloadedDocument>> Reader(ProcessDocumentRequest request)
    {
        switch (request.SourceCase)
        {
            case ProcessDocumentRequest.SourceOneofCase.Content:
                return _ => Task.FromResult(reader.FromBytes(request.Content.Span));
            case ProcessDocumentRequest.SourceOneofCase.Object:
                var (bucket, key) = Located(request.Object);
                return ct => reader.DownloadAsync(bucket, key, ct);
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, "set either content or object.object_key"));
        }
    }

    /// <summary>
    /// The same rules as a queued task: a key that stays inside its bucket, and a bucket this worker serves. The
    /// worker's storage credentials may reach more; a caller of this unauthenticated endpoint must not read through them.
    /// </summary>
    private (string Bucket, string Key) Located(PdfAspire.Ingest.V1.ObjectLocation location)
    {
        if (TaskFieldRules.ObjectKeyError(location.ObjectKey) is { } invalid)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, invalid));
        }
        if (TaskFieldRules.BucketError(location.Bucket) is { } badName && location.Bucket.Length > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, badName));
        }
        if (!buckets.TryResolve(location.Bucket, out var bucket, out var refused))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, refused));
        }
        return (bucket, location.ObjectKey);
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

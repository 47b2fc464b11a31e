using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using PdfAspire.Ingest.V1;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Telemetry;

namespace PdfAspire.Worker.Ingest;

/// <summary>
/// Submits results to the Go ingest service. Quick retries of UNAVAILABLE happen inside the call (the channel's
/// retry policy, see <see cref="IngestClientExtensions"/>); what still fails becomes a <see cref="TaskFailedException"/>
/// whose category tells the queue whether to wait and retry (ingest_unavailable) or give up (ingest_rejected).
/// </summary>
public sealed class IngestClient(IngestService.IngestServiceClient client, IOptions<IngestOptions> options, WorkerMetrics metrics)
{
    private static readonly HashSet<StatusCode> Transient =
        [StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.ResourceExhausted, StatusCode.Aborted, StatusCode.Internal, StatusCode.Unknown,
         // Cancelled by the other side (ingest restarting mid-call); our own cancellation never reaches the mapping.
         StatusCode.Cancelled];

    public async Task<SubmitResultResponse> SubmitAsync(SubmitResultRequest request, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reply = await client.SubmitResultAsync(request,
                deadline: DateTime.UtcNow.AddSeconds(options.Value.TimeoutSeconds), cancellationToken: ct);
            metrics.RecordIngestCall(Stopwatch.GetElapsedTime(started), StatusCode.OK);
            return reply;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
        {
            metrics.RecordIngestCall(Stopwatch.GetElapsedTime(started), e.StatusCode);
            var category = Transient.Contains(e.StatusCode) ? FailureCategory.IngestUnavailable : FailureCategory.IngestRejected;
            throw new TaskFailedException(category, $"ingest answered {e.StatusCode}: {e.Status.Detail}", e);
        }
    }
}

using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PdfAspire.Worker.Ingest;

/// <summary>
/// Asks the ingest service's grpc.health.v1 whether it serves. Registered as Degraded, not Unhealthy: while ingest
/// is down the worker keeps its tasks and retries them, and ProcessDocument does not need ingest at all, so the pod
/// should stay ready.
/// </summary>
public sealed class IngestHealthCheck(Health.HealthClient health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? HealthCheckResult.Healthy("ingest serving")
                : new HealthCheckResult(context.Registration.FailureStatus, $"ingest reports {reply.Status}");
        }
        catch (RpcException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"ingest unreachable: {e.StatusCode}");
        }
    }
}

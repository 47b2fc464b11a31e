using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PdfAspire.Worker.Queue;

/// <summary>Healthy once the consumer has reached Redis and is taking tasks.</summary>
public sealed class ConsumerHealthCheck(ConsumerStatus consumer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(consumer.State switch
        {
            ConsumerState.Consuming => HealthCheckResult.Healthy("consuming"),
            ConsumerState.Paused => HealthCheckResult.Healthy("paused by an operator"),
            ConsumerState.Draining => HealthCheckResult.Degraded("draining for shutdown"),
            var state => new HealthCheckResult(context.Registration.FailureStatus, $"consumer is {state}"),
        });
}

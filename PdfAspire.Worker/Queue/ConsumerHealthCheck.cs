using Microsoft.Extensions.Diagnostics.HealthChecks;
using PdfAspire.Worker.Processing;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// Healthy once the consumer has reached Redis and is taking tasks, and no finished task is waiting for Redis to
/// take its outcome (Redis down, or full: then this says why no task is taken).
/// </summary>
public sealed class ConsumerHealthCheck(ConsumerStatus consumer, OutcomeWriter outcomes) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(outcomes.Waiting is { Outcomes: > 0 } waiting
            ? new HealthCheckResult(context.Registration.FailureStatus,
                $"{waiting.Outcomes} finished task(s) waiting for Redis to take their outcome: {waiting.Reason}")
            : consumer.State switch
        {
            ConsumerState.Consuming when consumer.StoppedLanes.Count > 0 =>
                HealthCheckResult.Healthy($"consuming; paused by an operator: {string.Join(", ", consumer.StoppedLanes)}"),
            ConsumerState.Consuming => HealthCheckResult.Healthy("consuming"),
            ConsumerState.Paused => HealthCheckResult.Healthy("paused by an operator"),
            ConsumerState.Draining => HealthCheckResult.Degraded("draining for shutdown"),
            ConsumerState.RedisFull => new HealthCheckResult(context.Registration.FailureStatus,
                "Redis is full (at its maxmemory) and refuses writes: no task is taken until it has room"),
            var state => new HealthCheckResult(context.Registration.FailureStatus, $"consumer is {state}"),
        });
}

namespace PdfAspire.Worker.Telemetry;

/// <summary>Starts the worker's metric series at zero once the host, and with it OpenTelemetry's listener, is running.</summary>
public sealed class MetricSeriesStart(WorkerMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.StartSeriesAtZero();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

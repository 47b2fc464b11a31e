using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Configuration;

/// <summary>The worker's own settings, under the operations guide's variable names (docs/guide.md).</summary>
public sealed class WorkerOptions
{
    /// <summary>The gRPC port (HTTP/2 only) for ProcessDocument and grpc.health.v1.</summary>
    [ConfigurationKeyName("GRPC_SERVER_PORT")]
    [Range(1, 65535, ErrorMessage = "GRPC_SERVER_PORT must be a TCP port (1-65535); default 50052.")]
    public int GrpcPort { get; set; } = 50052;

    /// <summary>The HTTP/1.1 port for Prometheus' /metrics and the /health and /alive probes.</summary>
    [ConfigurationKeyName("METRICS_PORT")]
    [Range(1, 65535, ErrorMessage = "METRICS_PORT must be a TCP port (1-65535); default 8000.")]
    public int MetricsPort { get; set; } = 8000;

    /// <summary>
    /// The address both listeners bind: every interface by default (a pod's IP is what its Service routes to); the
    /// AppHost sets 127.0.0.1 for a local run, where nothing outside the machine should reach an unauthenticated port.
    /// </summary>
    [ConfigurationKeyName("BIND_ADDRESS")]
    [RegularExpression(@"^[0-9A-Fa-f:.]+$", ErrorMessage = "BIND_ADDRESS must be an IP address, for example 0.0.0.0 or 127.0.0.1.")]
    public string BindAddress { get; set; } = "0.0.0.0";

    public IPAddress ListenAddress => IPAddress.TryParse(BindAddress, out var address)
        ? address
        : throw new OptionsValidationException(nameof(BindAddress), typeof(WorkerOptions), ["BIND_ADDRESS must be an IP address, for example 0.0.0.0 or 127.0.0.1."]);

    /// <summary>
    /// Names this worker's processing list and heartbeat. Defaults to host name and process id, which is unique
    /// per pod in Kubernetes and per process on one machine.
    /// </summary>
    [ConfigurationKeyName("WORKER_ID")]
    [SettingDefault("host name and process id")]
    [RegularExpression(@"^[A-Za-z0-9._-]{1,100}$", ErrorMessage = "WORKER_ID may hold only letters, digits, '.', '_' and '-' (at most 100).")]
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}

using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PdfAspire.Ingest.V1;
using PdfAspire.Worker.Configuration;

namespace PdfAspire.Worker.Ingest;

public static class IngestClientExtensions
{
    public static void AddIngestClient(this WebApplicationBuilder builder, IngestOptions ingest)
    {
        // gRPC's own retry policy (exponential backoff with jitter) covers blips; longer outages are the queue's
        // business, through the delayed set, so the task's slot is not held for minutes.
        var retry = new MethodConfig
        {
            Names = { MethodName.Default },
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = ingest.CallAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(200),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable, StatusCode.ResourceExhausted },
            },
        };
        builder.Services.AddGrpcClient<IngestService.IngestServiceClient>(o => o.Address = ingest.AddressUri)
            .ConfigureChannel(channel =>
            {
                channel.ServiceConfig = new ServiceConfig { MethodConfigs = { retry } };
                channel.MaxSendMessageSize = null;
            });
        builder.Services.AddGrpcClient<Health.HealthClient>(o => o.Address = ingest.AddressUri);
        builder.Services.AddSingleton<IngestClient>();
        builder.Services.AddHealthChecks().AddCheck<IngestHealthCheck>("ingest", HealthStatus.Degraded);
    }
}

using Microsoft.Extensions.Options;
using Microsoft.IO;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Extraction;
using PdfAspire.Worker.Extraction.Isolation;
using PdfAspire.Worker.Extraction.Ocr;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PdfAspire.Worker.Processing;
using PdfAspire.Worker.Queue;
using PdfAspire.Worker.Storage;
using PdfAspire.Worker.Telemetry;

namespace PdfAspire.Worker.Extensions;

public static class ProcessingExtensions
{
    /// <summary>The queue consumer, its housekeeping, and what one task needs: reading, extraction, retries, metrics.</summary>
    public static void AddTaskProcessing(this WebApplicationBuilder builder, WorkerOptions worker, ProcessingOptions processing)
    {
        var services = builder.Services;
        services.AddSingleton(new WorkerIdentity(worker.WorkerId, DateTimeOffset.UtcNow));
        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new ServedBuckets(storage.Bucket, storage.ServedBuckets);
        });
        services.AddSingleton(new RecyclableMemoryStreamManager(new RecyclableMemoryStreamManager.Options
        {
            // Pool a typical (<= 16 MiB) document for each task in flight, two per core by default; larger ones are
            // not pooled.
            MaximumLargePoolFreeBytes = processing.Concurrency * (16L << 20),
            MaximumSmallPoolFreeBytes = 64L << 20,
        }));
        services.AddSingleton<WorkerMetrics>();
        services.AddHostedService<MetricSeriesStart>();
        services.AddSingleton<DocumentReader>();
        if (processing.Isolation == ExtractionIsolation.Process)
        {
            services.AddSingleton<IDocumentExtractor, ExtractorPool>();
            services.AddHostedService<ExtractorStart>();
        }
        else
        {
            services.AddSingleton<IDocumentExtractor, InProcessExtractor>();
        }
        services.AddSingleton<PodUsageMetrics>();
        services.AddSingleton<DocumentPipeline>();
        services.AddSingleton<RetrySchedule>();
        services.AddSingleton<OutcomeWriter>();
        services.AddSingleton<TaskProcessor>();
        services.AddSingleton<BlockingRedisConnection>();
        services.AddSingleton<WorkerCapacity>();

        // The consumer writes its state here; the lease keeper and the health check only read it. Each lane's housekeeping
        // sets its pause switch and learns of its retries' due times, which the consumer and the processor only read or report.
        services.AddSingleton<ConsumerStatus>();
        services.AddSingleton<WorkerLanes>();

        // Hosted services stop in reverse order: the consumer drains first, while the lease keeper still renews.
        services.AddHostedService<LeaseKeeper>();
        services.AddHostedService<QueueConsumer>();
        services.AddHealthChecks()
            .AddCheck<ConsumerHealthCheck>("queue-consumer")
            .AddCheck<OcrToolsHealthCheck>("ocr", HealthStatus.Degraded);

        // The host must wait for the drain: the grace period plus time to return what is left to pending.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = processing.ShutdownGrace + TimeSpan.FromSeconds(10));
    }
}

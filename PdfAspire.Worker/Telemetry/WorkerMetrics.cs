using System.Diagnostics.Metrics;
using Grpc.Core;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Telemetry;

/// <summary>
/// The operations guide's metrics (docs/guide.md). The Prometheus exporter adds the unit and <c>_total</c> suffixes, so these export
/// as pdf_tasks_processed_total, pdf_tasks_failed_total{category,outcome}, pdf_processing_duration_seconds,
/// pdf_queue_length, pdf_pages_processed_total, pdf_tasks_in_flight, pdf_extractor_exits_total{reason} and
/// pdf_ingest_request_duration_seconds{status}.
/// </summary>
public sealed class WorkerMetrics
{
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> _processed;
    private readonly Counter<long> _pages;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _ingestDuration;
    private readonly Counter<long> _extractorExits;
    private long _queueLength;
    private int _inFlight;

    public WorkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PdfAspireTelemetry.Name);
        _processed = meter.CreateCounter<long>("pdf_tasks_processed", description: "Tasks whose result ingest confirmed.");
        _pages = meter.CreateCounter<long>("pdf_pages_processed", description: "Pages extracted in confirmed tasks.");
        _failed = meter.CreateCounter<long>("pdf_tasks_failed",
            description: "Failed task attempts by failure category and outcome (retry or dead_letter).");
        _duration = meter.CreateHistogram("pdf_processing_duration", unit: "s",
            description: "Time from taking a task to ingest confirming it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _ingestDuration = meter.CreateHistogram("pdf_ingest_request_duration", unit: "s",
            description: "SubmitResult calls to the ingest service, retries inside a call included, by gRPC status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _extractorExits = meter.CreateCounter<long>("pdf_extractor_exits",
            description: "Extractor processes that a document ended, by reason (crash, deadline, memory).");
        meter.CreateObservableGauge("pdf_queue_length", () => Interlocked.Read(ref _queueLength),
            description: "Tasks waiting in the pending list, as last read by this worker.");
        meter.CreateObservableGauge("pdf_tasks_in_flight", () => Volatile.Read(ref _inFlight),
            description: "Tasks this worker is processing now.");
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Writes every series once at zero, so dashboard panels and alerts see it before the first task. Only once the
    /// host has started: a measurement taken before OpenTelemetry's MeterProvider listens is dropped.
    /// </summary>
    public void StartSeriesAtZero()
    {
        _processed.Add(0);
        _pages.Add(0);
        foreach (var reason in Enum.GetValues<ExtractorExit>())
        {
            RecordExtractorExit(reason, 0);
        }
        foreach (var category in FailureCategories.All)
        {
            RecordFailures(category, deadLettered: false, count: 0);
            RecordFailures(category, deadLettered: true, count: 0);
        }
    }

    public void SetQueueLength(long length) => Interlocked.Exchange(ref _queueLength, length);

    public void TaskStarted() => Interlocked.Increment(ref _inFlight);

    public void TaskEnded() => Interlocked.Decrement(ref _inFlight);

    public void RecordProcessed(TimeSpan duration, int pages)
    {
        _processed.Add(1);
        _pages.Add(pages);
        _duration.Record(duration.TotalSeconds);
    }

    public void RecordFailure(FailureCategory category, bool deadLettered) => RecordFailures(category, deadLettered, 1);

    private void RecordFailures(FailureCategory category, bool deadLettered, long count) =>
        _failed.Add(count, new("category", category.WireName()), new("outcome", deadLettered ? "dead_letter" : "retry"));

    public void RecordExtractorExit(ExtractorExit reason, long count = 1) =>
        _extractorExits.Add(count, new KeyValuePair<string, object?>("reason", reason.ToString().ToLowerInvariant()));

    public void RecordIngestCall(TimeSpan duration, StatusCode status) =>
        _ingestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status.ToString()));
}

/// <summary>Why the worker lost an extractor process.</summary>
public enum ExtractorExit
{
    /// <summary>It died on its own: a stack overflow, an unhandled fault.</summary>
    Crash,

    /// <summary>It was killed because the document's deadline (or the shutdown grace period) ran out.</summary>
    Deadline,

    /// <summary>The document needed more than EXTRACTOR_MEMORY_LIMIT_MB.</summary>
    Memory,
}

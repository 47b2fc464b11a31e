using System.Diagnostics.Metrics;
using Grpc.Core;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Telemetry;

/// <summary>
/// The operations guide's metrics (docs/guide.md). The Prometheus exporter adds the unit and <c>_total</c> suffixes, so
/// these export as pdf_tasks_processed_total, pdf_tasks_failed_total{category,outcome},
/// pdf_processing_duration_seconds, pdf_queue_length, pdf_pages_processed_total, pdf_tasks_in_flight,
/// pdf_extractor_exits_total{reason} and pdf_ingest_request_duration_seconds{status}; beside them
/// pdf_extraction_ranges_total{extractor}. The task and queue series carry a <c>queue</c> label with the lane's pending
/// list (<c>REDIS_QUEUE_LANES</c>), so a dashboard sums them or shows each lane.
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
    private readonly Counter<long> _ranges;
    private readonly Dictionary<string, QueueLength> _queueLengths;
    private int _inFlight;

    public WorkerMetrics(IMeterFactory meters, QueueLanes lanes)
    {
        _queueLengths = lanes.All.ToDictionary(l => l.Name, _ => new QueueLength(), StringComparer.Ordinal);
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
        _ranges = meter.CreateCounter<long>("pdf_extraction_ranges",
            description: "Page ranges of documents split across extractors (EXTRACTION_SPLIT_PAGES), by the extractor that read them: own or borrowed.");
        meter.CreateObservableGauge("pdf_queue_length",
            () => _queueLengths.Select(l => new Measurement<long>(l.Value.Read(), Lane(l.Key))),
            description: "Tasks waiting in each lane's pending list, as last read by this worker.");
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
        foreach (var lane in _queueLengths.Keys)
        {
            _processed.Add(0, Lane(lane));
            foreach (var category in FailureCategories.All)
            {
                RecordFailures(lane, category, deadLettered: false, count: 0);
                RecordFailures(lane, category, deadLettered: true, count: 0);
            }
        }
        _pages.Add(0);
        foreach (var reason in Enum.GetValues<ExtractorExit>())
        {
            RecordExtractorExit(reason, 0);
        }
        RecordExtractionRange(borrowed: false, 0);
        RecordExtractionRange(borrowed: true, 0);
    }

    public void SetQueueLength(string lane, long length) => _queueLengths[lane].Set(length);

    public void TaskStarted() => Interlocked.Increment(ref _inFlight);

    public void TaskEnded() => Interlocked.Decrement(ref _inFlight);

    public void RecordProcessed(string lane, TimeSpan duration, int pages)
    {
        _processed.Add(1, Lane(lane));
        _pages.Add(pages);
        _duration.Record(duration.TotalSeconds, Lane(lane));
    }

    public void RecordFailure(string lane, FailureCategory category, bool deadLettered) => RecordFailures(lane, category, deadLettered, 1);

    private void RecordFailures(string lane, FailureCategory category, bool deadLettered, long count) =>
        _failed.Add(count, Lane(lane), new("category", category.WireName()), new("outcome", deadLettered ? "dead_letter" : "retry"));

    private static KeyValuePair<string, object?> Lane(string lane) => new("queue", lane);

    public void RecordExtractorExit(ExtractorExit reason, long count = 1) =>
        _extractorExits.Add(count, new KeyValuePair<string, object?>("reason", reason.ToString().ToLowerInvariant()));

    /// <summary>A range after a split document's first, read by its own extractor or by an idle one it borrowed.</summary>
    public void RecordExtractionRange(bool borrowed, long count = 1) =>
        _ranges.Add(count, new KeyValuePair<string, object?>("extractor", borrowed ? "borrowed" : "own"));

    public void RecordIngestCall(TimeSpan duration, StatusCode status) =>
        _ingestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status.ToString()));
}

/// <summary>One lane's pending length as last read: written by the heartbeat, read by the exporter.</summary>
internal sealed class QueueLength
{
    private long _value;

    public long Read() => Interlocked.Read(ref _value);

    public void Set(long value) => Interlocked.Exchange(ref _value, value);
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

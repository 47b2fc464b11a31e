using System.ComponentModel.DataAnnotations;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Configuration;

/// <summary>How the worker takes, limits and retries tasks. Every limit has a default that suits the guide's profiles.</summary>
public sealed class ProcessingOptions
{
    /// <summary>
    /// Tasks this worker has in flight at once. Twice the extractors by default: while one task's PDF is downloaded or
    /// its result submitted, another's keeps the extractor busy.
    /// </summary>
    [ConfigurationKeyName("WORKER_CONCURRENCY")]
    [SettingDefault("twice the processor count")]
    [Range(1, 256, ErrorMessage = "WORKER_CONCURRENCY must be between 1 and 256 (default: twice the processor count).")]
    public int Concurrency { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// Extractor processes this worker keeps (one more with lanes in strict order, for the first lane). A task whose
    /// PDF is read waits for a free one, and that wait does not count against DOCUMENT_TIMEOUT_SECONDS. Has no effect
    /// with EXTRACTION_ISOLATION=none.
    /// </summary>
    [ConfigurationKeyName("EXTRACTOR_PROCESSES")]
    [SettingDefault("the processor count, at most WORKER_CONCURRENCY")]
    [Range(1, 256, ErrorMessage = "EXTRACTOR_PROCESSES must be between 1 and 256 (default: the processor count, at most WORKER_CONCURRENCY).")]
    public int? ExtractorProcesses { get; set; }

    /// <summary>Document attempts (timeouts, parser faults, worker crashes) before a task becomes a dead letter.</summary>
    [ConfigurationKeyName("MAX_ATTEMPTS")]
    [Range(1, 100, ErrorMessage = "MAX_ATTEMPTS must be between 1 and 100 (default 3).")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Retries for ingest or storage outages, which do not use up attempts, before a dead letter.</summary>
    [ConfigurationKeyName("MAX_INFRASTRUCTURE_RETRIES")]
    [Range(1, 10_000, ErrorMessage = "MAX_INFRASTRUCTURE_RETRIES must be between 1 and 10000 (default 100).")]
    public int MaxInfrastructureRetries { get; set; } = 100;

    /// <summary>Largest document read (checked while downloading), and the largest ProcessDocument request; a larger one is <c>too_large</c>.</summary>
    [ConfigurationKeyName("MAX_DOCUMENT_BYTES")]
    [Range(1024, int.MaxValue, ErrorMessage = "MAX_DOCUMENT_BYTES must be between 1 KiB and 2 GiB (default 100 MiB).")]
    public long MaxDocumentBytes { get; set; } = 100L << 20;

    /// <summary>
    /// ProcessDocument calls this worker takes at once; more are refused at once with <c>RESOURCE_EXHAUSTED</c> and a
    /// retry hint, instead of each holding its request's bytes while it waits for an extractor.
    /// </summary>
    [ConfigurationKeyName("PROCESS_DOCUMENT_MAX_CALLS")]
    [Range(1, 1024, ErrorMessage = "PROCESS_DOCUMENT_MAX_CALLS must be between 1 and 1024 (default 4).")]
    public int ProcessDocumentMaxCalls { get; set; } = 4;

    /// <summary>
    /// Request bytes the ProcessDocument calls in flight may hold together (each as its gRPC message header announces
    /// it); a call that would pass it is refused at once like one call too many. Default: twice MAX_DOCUMENT_BYTES.
    /// </summary>
    [ConfigurationKeyName("PROCESS_DOCUMENT_MAX_BYTES")]
    [SettingDefault("twice MAX_DOCUMENT_BYTES")]
    [Range(1024, long.MaxValue, ErrorMessage = "PROCESS_DOCUMENT_MAX_BYTES must be at least 1 KiB (default: twice MAX_DOCUMENT_BYTES).")]
    public long? ProcessDocumentMaxBytes { get; set; }

    /// <summary>Most pages a document may have; a longer one is <c>too_large</c>.</summary>
    [ConfigurationKeyName("MAX_PAGES")]
    [Range(1, 1_000_000, ErrorMessage = "MAX_PAGES must be between 1 and 1000000 (default 5000).")]
    public int MaxPages { get; set; } = 5000;

    /// <summary>Download plus extraction of one document (not the wait for a free extractor); past it the attempt fails as <c>timeout</c>.</summary>
    [ConfigurationKeyName("DOCUMENT_TIMEOUT_SECONDS")]
    [Range(1, 3600, ErrorMessage = "DOCUMENT_TIMEOUT_SECONDS must be between 1 and 3600 (default 120).")]
    public int DocumentTimeoutSeconds { get; set; } = 120;

    /// <summary>First retry delay; each further retry doubles it (with jitter) up to the maximum.</summary>
    [ConfigurationKeyName("RETRY_BASE_DELAY_MS")]
    [Range(10, 3_600_000, ErrorMessage = "RETRY_BASE_DELAY_MS must be between 10 and 3600000 (default 2000).")]
    public int RetryBaseDelayMs { get; set; } = 2000;

    /// <summary>Longest wait before a retry, however many there were.</summary>
    [ConfigurationKeyName("RETRY_MAX_DELAY_MS")]
    [Range(10, 86_400_000, ErrorMessage = "RETRY_MAX_DELAY_MS must be between 10 and 86400000 (default 300000).")]
    public int RetryMaxDelayMs { get; set; } = 300_000;

    /// <summary>A worker silent for this long is presumed dead, and its in-flight tasks go back to pending.</summary>
    [ConfigurationKeyName("LEASE_TIMEOUT_SECONDS")]
    [Range(3, 3600, ErrorMessage = "LEASE_TIMEOUT_SECONDS must be between 3 and 3600 (default 30).")]
    public int LeaseTimeoutSeconds { get; set; } = 30;

    /// <summary>On SIGTERM, how long in-flight tasks may run before they are returned to pending.</summary>
    [ConfigurationKeyName("SHUTDOWN_GRACE_SECONDS")]
    [Range(0, 3600, ErrorMessage = "SHUTDOWN_GRACE_SECONDS must be between 0 and 3600 (default 25).")]
    public int ShutdownGraceSeconds { get; set; } = 25;

    /// <summary>
    /// Where PdfPig runs: <c>process</c> (default) in a pool of extractor processes that a hang, a stack overflow or
    /// runaway memory can take down without the worker; <c>none</c> in the worker itself (benchmarks, debugging).
    /// </summary>
    [ConfigurationKeyName("EXTRACTION_ISOLATION")]
    public ExtractionIsolation Isolation { get; set; } = ExtractionIsolation.Process;

    /// <summary>Memory one extractor process may use; a document that needs more fails as <c>too_large</c>.</summary>
    [ConfigurationKeyName("EXTRACTOR_MEMORY_LIMIT_MB")]
    [Range(128, 1_048_576, ErrorMessage = "EXTRACTOR_MEMORY_LIMIT_MB must be between 128 and 1048576 (default 1024).")]
    public int ExtractorMemoryLimitMb { get; set; } = 1024;

    /// <summary>
    /// Documents with more pages than this are split: after their first this-many pages, the rest goes in page ranges
    /// to the document's own extractor and to any of the worker's extractors that are spare, and the text is merged in
    /// page order. <c>0</c> extracts every document in one piece. Has no effect with EXTRACTION_ISOLATION=none.
    /// </summary>
    [ConfigurationKeyName("EXTRACTION_SPLIT_PAGES")]
    [Range(0, 1_000_000, ErrorMessage = "EXTRACTION_SPLIT_PAGES must be between 0 and 1000000 (default 8).")]
    public int ExtractionSplitPages { get; set; } = 8;

    /// <summary>The largest ProcessDocument request: the document limit plus room for the message's envelope.</summary>
    public long MaxRequestBytes => Math.Min(int.MaxValue, MaxDocumentBytes + (1 << 20));

    public long ProcessDocumentBytesInFlight => ProcessDocumentMaxBytes ?? 2 * MaxDocumentBytes;

    public TimeSpan DocumentTimeout => TimeSpan.FromSeconds(DocumentTimeoutSeconds);
    public TimeSpan LeaseTimeout => TimeSpan.FromSeconds(LeaseTimeoutSeconds);
    public TimeSpan ShutdownGrace => TimeSpan.FromSeconds(ShutdownGraceSeconds);
}

public enum ExtractionIsolation
{
    Process,
    None,
}

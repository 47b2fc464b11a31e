using System.ComponentModel.DataAnnotations;

namespace PdfAspire.Worker.Configuration;

/// <summary>Where the Go ingest service listens, and how long a submission may take.</summary>
public sealed class IngestOptions
{
    /// <summary>host:port as in the guide (go-ingest-service:50051), or an http(s):// URL as Aspire injects it.</summary>
    [ConfigurationKeyName("GO_GRPC_INGEST_ADDR")]
    [Required(ErrorMessage = "GO_GRPC_INGEST_ADDR is required: the ingest service's gRPC address, for example go-ingest-service:50051.")]
    public string Address { get; set; } = "";

    /// <summary>Deadline of one SubmitResult call.</summary>
    [ConfigurationKeyName("INGEST_TIMEOUT_SECONDS")]
    [Range(1, 600, ErrorMessage = "INGEST_TIMEOUT_SECONDS must be between 1 and 600 (default 30).")]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Quick in-call retries of a failed submission before the task waits in the delayed set.</summary>
    [ConfigurationKeyName("INGEST_CALL_ATTEMPTS")]
    [Range(1, 10, ErrorMessage = "INGEST_CALL_ATTEMPTS must be between 1 and 10 (default 3).")]
    public int CallAttempts { get; set; } = 3;

    public Uri AddressUri => Address.Contains("://", StringComparison.Ordinal) ? new Uri(Address) : new Uri($"http://{Address}");
}

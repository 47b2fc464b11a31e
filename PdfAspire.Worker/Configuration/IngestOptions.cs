using System.ComponentModel.DataAnnotations;

namespace PdfAspire.Worker.Configuration;

/// <summary>Where the Go ingest service listens.</summary>
public sealed class IngestOptions
{
    /// <summary>host:port as in the guide (go-ingest-service:50051), or an http(s):// URL as Aspire injects it.</summary>
    [ConfigurationKeyName("GO_GRPC_INGEST_ADDR")]
    [Required(ErrorMessage = "GO_GRPC_INGEST_ADDR is required: the ingest service's gRPC address, for example go-ingest-service:50051.")]
    public string Address { get; set; } = "";

    public Uri AddressUri => Address.Contains("://", StringComparison.Ordinal) ? new Uri(Address) : new Uri($"http://{Address}");
}

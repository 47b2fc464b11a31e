namespace Microsoft.Extensions.Hosting;

/// <summary>The meter and activity source name that PdfAspire's own metrics and spans are published under.</summary>
public static class PdfAspireTelemetry
{
    public const string Name = "PdfAspire";
}

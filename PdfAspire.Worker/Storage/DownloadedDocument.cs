namespace PdfAspire.Worker.Storage;

/// <summary>A PDF read into pooled memory (PdfPig needs to seek), with its hash computed on the way in.</summary>
public sealed class DownloadedDocument(Stream content, string sha256, TimeSpan duration) : IDisposable
{
    public Stream Content { get; } = content;
    public string Sha256 { get; } = sha256;
    public long SizeBytes => Content.Length;
    public TimeSpan Duration { get; } = duration;

    public void Dispose() => Content.Dispose();
}

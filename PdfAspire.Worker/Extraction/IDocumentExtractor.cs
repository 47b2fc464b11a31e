using PdfAspire.TaskQueue;
using PdfAspire.Worker.Storage;

namespace PdfAspire.Worker.Extraction;

/// <summary>Runs <see cref="PdfExtractor"/> over a downloaded document, isolated from the worker or not.</summary>
public interface IDocumentExtractor
{
    /// <param name="document">The PDF, already downloaded and within MAX_DOCUMENT_BYTES.</param>
    /// <param name="deadline">
    /// Once its token is cancelled, the extraction must stop costing the worker anything. Paused while the document
    /// waits for an extractor.
    /// </param>
    /// <param name="firstLane">The document is the first lane's, which may take the extractor kept for that lane.</param>
    /// <exception cref="TaskFailedException">The document failed, with the category that says why.</exception>
    Task<ExtractedPdf> ExtractAsync(DownloadedDocument document, DocumentDeadline deadline, bool firstLane);

    /// <summary>
    /// A document is on its way (its download has started) and stays in progress until the result is disposed, at the
    /// end of its task: the extractor keeps capacity for it rather than lend it to another document's page ranges.
    /// </summary>
    IDisposable ExpectDocument() => NothingExpected.Instance;

    /// <summary>CPU used and memory held right now by the processes this extractor runs apart from the worker.</summary>
    ExtractorUsage CurrentUsage();
}

/// <summary>What live extractor processes have used: CPU time so far, and resident memory now.</summary>
public readonly record struct ExtractorUsage(TimeSpan Cpu, long ResidentBytes);

internal sealed class NothingExpected : IDisposable
{
    public static readonly NothingExpected Instance = new();

    public void Dispose()
    {
    }
}

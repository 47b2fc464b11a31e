using PdfAspire.TaskQueue;
using PdfAspire.Worker.Storage;

namespace PdfAspire.Worker.Extraction;

/// <summary>Runs <see cref="PdfExtractor"/> over a downloaded document, isolated from the worker or not.</summary>
public interface IDocumentExtractor
{
    /// <param name="document">The PDF, already downloaded and within MAX_DOCUMENT_BYTES.</param>
    /// <param name="ct">The document's deadline: once cancelled, the extraction must stop costing the worker anything.</param>
    /// <exception cref="TaskFailedException">The document failed, with the category that says why.</exception>
    Task<ExtractedPdf> ExtractAsync(DownloadedDocument document, CancellationToken ct);

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

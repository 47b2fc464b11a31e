using System.Diagnostics;
using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Extraction;
using PdfAspire.Worker.Storage;

namespace PdfAspire.Worker.Processing;

/// <summary>What one document yields, with what it cost.</summary>
public sealed record ProcessedDocument(ExtractedPdf Pdf, string Sha256, long SizeBytes, TimeSpan Download, TimeSpan Extraction);

/// <summary>
/// Reading plus extraction of one document under the per-document deadline, for the queue path and ProcessDocument
/// alike, so both return the same text.
/// </summary>
public sealed class DocumentPipeline(IDocumentExtractor extractor, IOptions<ProcessingOptions> options)
{
    public async Task<ProcessedDocument> RunAsync(Func<CancellationToken, Task<DownloadedDocument>> read, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Value.DocumentTimeout);
        DownloadedDocument? document = null;
        try
        {
            document = await read(deadline.Token);
            var started = Stopwatch.GetTimestamp();
            var pdf = await extractor.ExtractAsync(document, deadline.Token);
            var processed = new ProcessedDocument(pdf, document.Sha256, document.SizeBytes, document.Duration, Stopwatch.GetElapsedTime(started));
            document.Dispose();
            return processed;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // An in-process extraction may still be running: its pooled buffers are left to the GC rather than
            // reused under it. (An extractor process has been killed by now.)
            throw new TaskFailedException(FailureCategory.Timeout,
                $"reading and extracting took longer than DOCUMENT_TIMEOUT_SECONDS ({options.Value.DocumentTimeoutSeconds} s)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            document?.Dispose();
            throw;
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Extraction;
using PdfAspire.Worker.Storage;

namespace PdfAspire.Worker.Processing;

/// <summary>What one document yields, with what it cost (<paramref name="Extraction"/>: not its wait for an extractor).</summary>
public sealed record ProcessedDocument(ExtractedPdf Pdf, string Sha256, long SizeBytes, TimeSpan Download, TimeSpan Extraction);

/// <summary>
/// Reading plus extraction of one document under the per-document deadline (<see cref="DocumentDeadline"/>), for the
/// queue path and ProcessDocument alike, so both return the same text.
/// </summary>
public sealed class DocumentPipeline(IDocumentExtractor extractor, IOptions<ProcessingOptions> options, TimeProvider time)
{
    /// <summary>
    /// Starts reading the document now, under its deadline; the caller may do other work (record the attempt) before
    /// it asks for the extraction. Disposing the run without extracting cancels the read and frees what it read.
    /// </summary>
    /// <param name="read">The document's download, given the deadline's token.</param>
    /// <param name="firstLane">The document is the first lane's: it may take the extractor kept for that lane.</param>
    /// <param name="ct">Cancels the document whatever time it has left.</param>
    public DocumentRun Start(Func<CancellationToken, Task<DownloadedDocument>> read, bool firstLane, CancellationToken ct)
    {
        var expected = extractor.ExpectDocument();
        var deadline = new DocumentDeadline(options.Value.DocumentTimeout, time, ct);
        return new DocumentRun(read(deadline.Token), deadline, firstLane, expected, extractor, options.Value.DocumentTimeoutSeconds, ct);
    }

    public async Task<ProcessedDocument> RunAsync(Func<CancellationToken, Task<DownloadedDocument>> read, CancellationToken ct)
    {
        await using var run = Start(read, firstLane: false, ct);
        return await run.ExtractAsync();
    }
}

/// <summary>One document on its way through <see cref="DocumentPipeline"/>: read started, extraction on request.</summary>
public sealed class DocumentRun(
    Task<DownloadedDocument> reading,
    DocumentDeadline deadline,
    bool firstLane,
    IDisposable expected,
    IDocumentExtractor extractor,
    int timeoutSeconds,
    CancellationToken ct) : IAsyncDisposable
{
    private bool _extracting;

    public async Task<ProcessedDocument> ExtractAsync()
    {
        _extracting = true;
        DownloadedDocument? document = null;
        try
        {
            document = await reading;
            var started = Stopwatch.GetTimestamp();
            var pdf = await extractor.ExtractAsync(document, deadline, firstLane);
            var processed = new ProcessedDocument(pdf, document.Sha256, document.SizeBytes, document.Duration,
                Stopwatch.GetElapsedTime(started) - deadline.Paused);
            document.Dispose();
            return processed;
        }
        catch (OperationCanceledException) when (deadline.HasPassed && !ct.IsCancellationRequested)
        {
            // An in-process extraction may still be running: its pooled buffers are left to the GC rather than
            // reused under it. (An extractor process has been killed by now.)
            throw new TaskFailedException(FailureCategory.Timeout,
                $"reading and extracting took longer than DOCUMENT_TIMEOUT_SECONDS ({timeoutSeconds} s)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            document?.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_extracting)
        {
            // Never extracted (a poison task, Redis failing): stop the read, and free the document if it arrived.
            await deadline.CancelAsync();
            try
            {
                (await reading).Dispose();
            }
            catch (Exception)
            {
                // However the cancelled read ended (cancelled, a failure it met first, an I/O error the cancellation
                // caused) matters to no one: nobody extracts this run, and the caller's own outcome must not be masked.
            }
        }
        deadline.Dispose();
        expected.Dispose();
    }
}

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// Starts the worker's extractor processes once the worker itself has started, in the background: a new worker (a KEDA
/// scale-out, when the backlog is high) then meets its first documents with extractors running instead of starting
/// one per document, and the first long document borrows started extractors for its page ranges. Not earlier, so
/// that they do not compete for the CPU with the worker's own start.
/// </summary>
public sealed class ExtractorStart(IDocumentExtractor extractor, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (extractor is ExtractorPool pool)
        {
            lifetime.ApplicationStarted.Register(() => _ = Task.Run(pool.StartExtractors, CancellationToken.None));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

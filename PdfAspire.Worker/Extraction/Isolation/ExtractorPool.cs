using Microsoft.Extensions.Options;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Storage;
using PdfAspire.Worker.Telemetry;

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// Extraction in child processes (EXTRACTION_ISOLATION=process, the default): the worker's
/// <see cref="WorkerCapacity.Extractors"/> long-lived extractors, started once the worker has started
/// (<see cref="ExtractorStart"/>), or by the first document that needs one if that comes sooner, and replaced whenever
/// a document kills one. A document waits for a free extractor with its deadline paused (the worker has more tasks in
/// flight than extractors); a long one also borrows the extractors no document is using (see <see cref="DocumentExtraction"/>).
/// </summary>
public sealed partial class ExtractorPool : IDocumentExtractor, IDisposable
{
    private readonly ExtractorSlots _slots;
    private readonly List<ExtractorProcess> _started = [];
    private readonly IOptions<ProcessingOptions> _options;
    private readonly ExtractionSettings _settings;
    private readonly WorkerMetrics _metrics;
    private readonly ILogger<ExtractorPool> _logger;

    public ExtractorPool(IOptions<ProcessingOptions> options, WorkerCapacity capacity, IOptions<TextOptions> text, WorkerMetrics metrics,
        ILogger<ExtractorPool> logger)
    {
        (_options, _metrics, _logger) = (options, metrics, logger);
        _settings = new ExtractionSettings(options.Value.MaxPages, text.Value.JoinHyphenatedWords, text.Value.Ocr);
        if (OperatingSystem.IsLinux())
        {
            ExtractorProcess.RemoveFoldersOfGoneWorkers();
        }
        _slots = new ExtractorSlots(capacity.Extractors, capacity.Reserved);
    }

    public async Task<ExtractedPdf> ExtractAsync(DownloadedDocument document, DocumentDeadline deadline, bool firstLane)
    {
        var holder = firstLane ? SlotHolder.FirstLaneDocument : SlotHolder.Document;
        ExtractorProcess? slot;
        using (deadline.Pause())
        {
            slot = await _slots.TakeAsync(holder, deadline.Token);
        }
        var ct = deadline.Token;
        return await OnSlotAsync(slot, holder, own => new DocumentExtraction(this, document.Content, ct).RunAsync(own));
    }

    public IDisposable ExpectDocument() => _slots.ExpectDocument();

    /// <summary>
    /// Starts an extractor in every idle slot that has none yet, so that a new worker's first documents (and the slots
    /// the first long one borrows) find them started rather than start them on their own time.
    /// </summary>
    public void StartExtractors()
    {
        var failed = false;
        for (var taken = _slots.TakeUnstarted(); taken > 0; taken--)
        {
            ExtractorProcess? started = null;
            try
            {
                started = failed ? null : Replace(null);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                // The slots stay empty: a document that takes one starts its extractor then, and fails as it would have.
                LogNotStarted(e.Message);
                failed = true;
            }
            finally
            {
                _slots.Return(started, SlotHolder.Loan);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on the slot's extractor (a new one if it has none, or it died), then gives the slot back.</summary>
    private async Task<T> OnSlotAsync<T>(ExtractorProcess? slot, SlotHolder holder, Func<ExtractorProcess, Task<T>> work)
    {
        ExtractorProcess? extractor = null;
        try
        {
            extractor = slot is { IsAlive: true } ? slot : Replace(slot);
            return await work(extractor);
        }
        finally
        {
            _slots.Return(extractor is { IsAlive: true } ? extractor : Retire(extractor), holder);
        }
    }

    public ExtractorUsage CurrentUsage()
    {
        lock (_started)
        {
            var usage = _started.Select(e => e.CurrentUsage()).ToList();
            return new ExtractorUsage(TimeSpan.FromTicks(usage.Sum(u => u.Cpu.Ticks)), usage.Sum(u => u.ResidentBytes));
        }
    }

    private ExtractorProcess Replace(ExtractorProcess? dead)
    {
        Retire(dead);
        var extractor = ExtractorProcess.Start(_settings, (long)_options.Value.ExtractorMemoryLimitMb << 20, _logger);
        LogStarted(extractor.ProcessId);
        lock (_started)
        {
            _started.Add(extractor);
        }
        return extractor;
    }

    private ExtractorProcess? Retire(ExtractorProcess? extractor)
    {
        if (extractor is not null)
        {
            lock (_started)
            {
                _started.Remove(extractor);
            }
            // Gone without a reason of ours: something outside (the kernel's OOM killer) ended it.
            _metrics.RecordExtractorExit(extractor.Exit ?? ExtractorExit.Crash);
            extractor.Dispose();
        }
        return null;
    }

    public void Dispose()
    {
        lock (_started)
        {
            foreach (var extractor in _started)
            {
                extractor.Dispose();
            }
            _started.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Extractor process {ProcessId} started")]
    private partial void LogStarted(int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An extractor process could not be started ahead of the first documents: {Reason}")]
    private partial void LogNotStarted(string reason);
}

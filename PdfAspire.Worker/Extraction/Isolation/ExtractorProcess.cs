using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Telemetry;

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// One long-lived extractor process, seen from the worker: it sends a document, waits for the text under the
/// caller's deadline, and watches the process's memory while it works. Any failure of the process itself (killed,
/// crashed, over its memory) leaves this instance dead; the pool replaces it.
/// </summary>
public sealed partial class ExtractorProcess : IDisposable
{
    /// <summary>The runtime and its code need memory beyond the managed heap's hard limit; past that slack it is the document.</summary>
    private const long RuntimeSlackBytes = 96L << 20;

    private static readonly TimeSpan MemoryCheckInterval = TimeSpan.FromMilliseconds(100);

    private static long _lastDocumentId;

    private readonly Process _process;
    private readonly ExtractionSettings _settings;
    private readonly long _memoryLimitBytes;
    private readonly ILogger _logger;
    private readonly StandardErrorTail _stderr = new();

    /// <summary>The extractor's temporary folder (its TMPDIR), removed with it: a killed extractor can't clean up after OCR.</summary>
    private readonly DirectoryInfo _scratch;

    /// <summary>The document the process has open between ranges (0: none), so its bytes are sent once.</summary>
    private long _heldDocument;

    private ExtractorProcess(Process process, ExtractionSettings settings, DirectoryInfo scratch, long memoryLimitBytes, ILogger logger)
    {
        _process = process;
        _settings = settings;
        _scratch = scratch;
        _memoryLimitBytes = memoryLimitBytes;
        _logger = logger;
        process.ErrorDataReceived += (_, e) => _stderr.Add(e.Data);
        process.BeginErrorReadLine();
    }

    private const string TemporaryFolderPrefix = "pdfaspire-extractor-";

    /// <summary>
    /// Removes the temporary folders of extractors whose worker is gone: a worker killed with SIGKILL can't, and its
    /// extractors may have been killed with it. Each folder's name carries its worker's process id.
    /// </summary>
    public static void RemoveFoldersOfGoneWorkers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), TemporaryFolderPrefix + "*"))
        {
            var owner = Path.GetFileName(folder)[TemporaryFolderPrefix.Length..].Split('-')[0];
            if (int.TryParse(owner, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's, or in use after all.
                }
            }
        }
    }

    /// <summary>Why a document ended this process; null while it serves.</summary>
    public ExtractorExit? Exit { get; private set; }

    /// <summary>False once the process has died or been killed; the pool then starts another.</summary>
    public bool IsAlive => Exit is null && !_process.HasExited;

    public int ProcessId => _process.Id;

    public static ExtractorProcess Start(ExtractionSettings settings, long memoryLimitBytes, ILogger logger)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The worker's own apphost when it is the running program (as in its container image); otherwise the dotnet
        // host with the worker's assembly (under `dotnet PdfAspire.Worker.dll`, or from another program).
        var worker = typeof(ExtractorHost).Assembly;
        var host = Environment.ProcessPath!;
        var runningDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        if (!runningDotnet && Assembly.GetEntryAssembly() == worker)
        {
            start.FileName = host;
        }
        else
        {
            start.FileName = runningDotnet ? host : "dotnet";
            start.ArgumentList.Add(worker.Location);
        }
        start.ArgumentList.Add(ExtractorHost.Command);
        start.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(ExtractorProtocol.SettingsArgument(settings));
        var scratch = Directory.CreateTempSubdirectory($"{TemporaryFolderPrefix}{Environment.ProcessId}-");
        ConfineEnvironment(start, memoryLimitBytes, scratch.FullName);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the extractor process did not start");
        return new ExtractorProcess(process, settings, scratch, memoryLimitBytes, logger);
    }

    /// <summary>
    /// The child parses untrusted input, so it gets no credentials: only what the runtime needs, plus its limits.
    /// Workstation GC without a background thread suits one document at a time; the hard limit turns runaway
    /// allocation into an OutOfMemoryException the child reports.
    /// </summary>
    private static void ConfineEnvironment(ProcessStartInfo start, long memoryLimitBytes, string temporaryFolder)
    {
        var inherited = start.Environment.Where(e => IsRuntimeVariable(e.Key)).ToList();
        start.Environment.Clear();
        foreach (var (key, value) in inherited)
        {
            start.Environment[key] = value;
        }
        // The worker's runtimeconfig turns dynamic PGO off, and its container image tiered compilation; PdfPig's parsing
        // is worth both (3.75 against 4.55 ms CPU per page with PGO; without tiering, 3.9-4.8 against 3.0-3.2).
        start.Environment["DOTNET_TieredPGO"] = "1";
        start.Environment["DOTNET_TieredCompilation"] = "1";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
        start.Environment["DOTNET_GCHeapHardLimit"] = (memoryLimitBytes - RuntimeSlackBytes).ToString("X", CultureInfo.InvariantCulture);
        start.Environment["TMPDIR"] = temporaryFolder;
    }

    private static bool IsRuntimeVariable(string name) =>
        name is "PATH" or "HOME" or "LANG" or "LC_ALL" or "TZ"
        || (name.StartsWith("DOTNET_", StringComparison.Ordinal) && !name.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase))
        || name.StartsWith("COMPlus_", StringComparison.Ordinal);

    /// <summary>A new id for a document whose ranges go to extractor processes: the protocol names documents by it.</summary>
    public static long NewDocumentId() => Interlocked.Increment(ref _lastDocumentId);

    /// <summary>Extracts the whole of one document; see <see cref="ExtractAsync(long, ReadOnlyMemory{byte}, PageRange, bool, CancellationToken)"/>.</summary>
    public async Task<ExtractedPdf> ExtractAsync(ReadOnlyMemory<byte> pdf, CancellationToken ct)
    {
        var (range, _) = await ExtractAsync(NewDocumentId(), pdf, PageRange.All, release: true, ct);
        return ExtractedRange.Merge([range], _settings.Ocr is not null);
    }

    /// <summary>
    /// Tells the process to let go of the document it holds, if any: its ranges went to other extractors, and it would
    /// otherwise keep it (and what parsing it left) until its next document.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (_heldDocument != 0)
        {
            try
            {
                await ExtractAsync(_heldDocument, ReadOnlyMemory<byte>.Empty, new PageRange(1, 0), release: true, ct);
            }
            catch (TaskFailedException)
            {
                // It died letting go: the document's ranges are all read, and the pool replaces a dead extractor.
            }
        }
    }

    /// <summary>
    /// Extracts <paramref name="range"/> of document <paramref name="document"/>, sending its bytes only if the process
    /// does not hold it from an earlier range; <paramref name="release"/> when no more of its ranges will come here.
    /// Cancelling <paramref name="ct"/> (the deadline, or the end of the shutdown grace period) kills the process: a
    /// hung parse stops using a core the moment its time is up.
    /// </summary>
    /// <returns>The range, and the size of its reply in bytes.</returns>
    public async Task<(ExtractedRange Range, int ReplyBytes)> ExtractAsync(long document, ReadOnlyMemory<byte> pdf, PageRange range, bool release,
        CancellationToken ct)
    {
        _stderr.Clear();
        // The watch ends when its timer is disposed. Ending it by cancelling the timer's wait instead threw an
        // exception, with a formatted stack trace, for every range: 6 % of the worker's CPU on one-page documents.
        var memoryCheck = new PeriodicTimer(MemoryCheckInterval);
        var overMemory = WatchMemoryAsync(memoryCheck);
        (ExtractorReply Reply, int Bytes)? reply;
        try
        {
            // Not `held ? null : pdf`: null would convert to an empty ReadOnlyMemory, which is a document of no bytes.
            ReadOnlyMemory<byte>? bytes = _heldDocument == document ? default(ReadOnlyMemory<byte>?) : pdf;
            _heldDocument = 0;
            await ExtractorProtocol.WriteRequestAsync(_process.StandardInput.BaseStream, document, range, release, bytes, ct);
            reply = await ExtractorProtocol.ReadReplyAsync(_process.StandardOutput.BaseStream, (int)Math.Min(int.MaxValue, _memoryLimitBytes), ct)
                .WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Kill(ExtractorExit.Deadline);
            memoryCheck.Dispose();
            if (await overMemory)
            {
                throw OverMemory();
            }
            throw;
        }
        catch (ReplyTooLargeException e)
        {
            Kill(ExtractorExit.Memory);
            throw new TaskFailedException(FailureCategory.TooLarge, $"{e.Message}, more than EXTRACTOR_MEMORY_LIMIT_MB allows");
        }
        catch (IOException)
        {
            reply = null;
        }
        finally
        {
            memoryCheck.Dispose();
        }
        if (await overMemory)
        {
            throw OverMemory();
        }
        switch (reply)
        {
            case null:
                throw await DiedAsync();
            case ({ Outcome: ExtractionOutcome.Extracted, Range: { } extracted }, var bytes):
                // The process released the document after its last page, or when told to.
                _heldDocument = release || extracted.PageCount <= range.Last ? 0 : document;
                return (extracted, bytes);
            case ({ Outcome: ExtractionOutcome.OutOfMemory }, _):
                throw Exited(ExtractorExit.Memory, OverMemory());
            case var (failed, _):
                throw new TaskFailedException(FailureCategories.FromWireName(failed.Category) ?? FailureCategory.ParserCrash, failed.Message ?? "no reason given");
        }
    }

    /// <summary>CPU time and resident memory of the process now; nothing once it has gone.</summary>
    public ExtractorUsage CurrentUsage()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? default : new ExtractorUsage(_process.TotalProcessorTime, _process.WorkingSet64);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>
    /// Polls the process's resident memory while it works, until <paramref name="timer"/> is disposed; true if it went
    /// over the limit and was killed.
    /// </summary>
    private async Task<bool> WatchMemoryAsync(PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync())
            {
                // The extractor and what it started (an OCR tool): the cap is the document's, however it is read.
                var resident = ProcessTree.ResidentBytes(_process.Id);
                if (!_process.HasExited && resident > _memoryLimitBytes)
                {
                    LogOverMemory(_process.Id, resident >> 20, _memoryLimitBytes >> 20);
                    Kill(ExtractorExit.Memory);
                    return true;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The process is gone; the reader sees that.
        }
        return false;
    }

    private TaskFailedException OverMemory() => new(FailureCategory.TooLarge,
        $"extracting the document needed more than EXTRACTOR_MEMORY_LIMIT_MB ({_memoryLimitBytes >> 20} MiB)");

    private TaskFailedException Exited(ExtractorExit reason, TaskFailedException failure)
    {
        Exit ??= reason;
        return failure;
    }

    private async Task<TaskFailedException> DiedAsync()
    {
        Exit ??= ExtractorExit.Crash;
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        var reason = _stderr.Reason() ?? $"exit code {_process.ExitCode}";
        LogDied(_process.Id, _process.ExitCode, reason);
        return new TaskFailedException(FailureCategory.ParserCrash, $"the extractor process died reading the document ({reason})");
    }

    private void Kill(ExtractorExit reason)
    {
        Exit ??= reason;
        try
        {
            // The whole group at once: an OCR tool it started must not go on using the core the deadline took back.
            if (!ProcessGroup.Kill(_process.Id))
            {
                // Not its own group yet (it had only just started): there is nothing it could have started either.
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        if (IsAlive)
        {
            // Closing stdin ends the child's loop; it exits on its own.
            _process.StandardInput.Close();
        }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            Kill(ExtractorExit.Deadline);
        }
        _process.Dispose();
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A killed tool's file still being closed; the folder is in the system's temporary directory.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extractor process {ProcessId} used {RssMiB} MiB, over its {LimitMiB} MiB limit; killed")]
    private partial void LogOverMemory(int processId, long rssMiB, long limitMiB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extractor process {ProcessId} died with exit code {ExitCode}: {Reason}")]
    private partial void LogDied(int processId, int exitCode, string reason);
}

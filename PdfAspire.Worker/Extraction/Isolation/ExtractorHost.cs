using System.Globalization;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Extraction.Ocr;

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// The extractor process: the worker's own executable started with <see cref="Command"/>. It reads one document at a
/// time from stdin and writes its text to stdout, with no host, no network and no credentials. Whatever a document
/// does to it (hangs, overflows the stack, exhausts memory), the worker notices and starts a new one.
/// </summary>
public static class ExtractorHost
{
    public const string Command = "extract";

    private const long GarbageWorthCollecting = 64L << 20;

    /// <param name="args"><see cref="Command"/>, the worker's process id, and the <see cref="ExtractionSettings"/> as JSON.</param>
    public static int Run(string[] args)
    {
        ProcessGroup.Lead();
        ExitWithParent(int.Parse(args[1], CultureInfo.InvariantCulture));
        var settings = ExtractorProtocol.ReadSettingsArgument(args[2]);
        var input = Console.OpenStandardInput();
        var output = Console.OpenStandardOutput();
        // stdout carries the protocol: anything a library prints goes to stderr instead.
        Console.SetOut(Console.Error);
        var held = new HeldDocument(settings);
        while (ExtractorProtocol.TryReadRequest(input, out var request))
        {
            var reply = held.Extract(input, request);
            ExtractorProtocol.WriteReply(output, reply);
            if (reply.Outcome != ExtractionOutcome.Extracted || request.Release || reply.Range!.PageCount <= request.Range.Last)
            {
                held.Release();
                ReleaseGarbage();
            }
            if (reply.Outcome == ExtractionOutcome.OutOfMemory)
            {
                RemoveTemporaryFolder();
                // A heap that hit its hard limit may be fragmented beyond use: a fresh process is cheaper to trust.
                return 3;
            }
        }
        held.Release();
        RemoveTemporaryFolder();
        return 0;
    }

    /// <summary>The worker gives each extractor a temporary folder of its own (TMPDIR), which OCR scratch files go into.</summary>
    private static void RemoveTemporaryFolder()
    {
        var folder = Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar);
        if (Path.GetFileName(folder).StartsWith("pdfaspire-extractor-", StringComparison.Ordinal))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // The worker removes it when it replaces this extractor.
            }
        }
    }

    /// <summary>
    /// Between documents almost nothing is alive, so a full collection is cheap, and it keeps one document's garbage
    /// from adding to the next one's peak. Measured over the texlive corpus in one extractor, three runs each: peak RSS
    /// 528–565 → 422–428 MiB, CPU the same (35–41 s either way). Only after documents that left much behind.
    /// </summary>
    private static void ReleaseGarbage()
    {
        if (GC.GetTotalMemory(forceFullCollection: false) > GarbageWorthCollecting)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    /// <summary>
    /// A worker killed with SIGKILL can't stop its extractors, and one stuck in a hostile document never reads the
    /// closed stdin. Once the worker is gone the child is reparented, which this notices within a second.
    /// </summary>
    private static void ExitWithParent(int parent)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var watch = new Thread(() =>
        {
            while (GetParentProcessId() == parent)
            {
                Thread.Sleep(1000);
            }
            // An OCR tool it started would outlive it otherwise, and nobody else removes its temporary folder.
            ExternalTool.StopAll();
            RemoveTemporaryFolder();
            Environment.Exit(4);
        }) { IsBackground = true, Name = "parent watch" };
        watch.Start();
    }

    private static int GetParentProcessId()
    {
        const string prefix = "PPid:";
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return int.Parse(line.AsSpan(prefix.Length).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The document this extractor has open between the ranges of it the worker sends, with its bytes.</summary>
    private sealed class HeldDocument(ExtractionSettings settings)
    {
        private byte[] _buffer = [];
        private long _id;
        private OpenedPdf? _pdf;

        public ExtractorReply Extract(Stream input, ExtractorRequest request)
        {
            try
            {
                var pdf = Open(input, request);
                return new ExtractorReply(ExtractionOutcome.Extracted, pdf.Extract(request.Range, CancellationToken.None));
            }
            catch (TaskFailedException e)
            {
                return new ExtractorReply(ExtractionOutcome.Failed, Category: e.Category.WireName(), Message: e.Message);
            }
            catch (OutOfMemoryException)
            {
                return new ExtractorReply(ExtractionOutcome.OutOfMemory);
            }
            catch (Exception e)
            {
                return new ExtractorReply(ExtractionOutcome.Failed, Category: FailureCategory.ParserCrash.WireName(),
                    Message: $"the parser failed: {PdfExtractor.Describe(e)}");
            }
        }

        public void Release()
        {
            _pdf?.Dispose();
            _pdf = null;
        }

        private OpenedPdf Open(Stream input, ExtractorRequest request)
        {
            if (!request.HasDocument)
            {
                return _pdf is not null && _id == request.Document
                    ? _pdf
                    : throw new InvalidOperationException($"the worker asked for {request.Range} of document {request.Document}, which this extractor does not hold");
            }
            // The buffer is the open document's until it is released: the next document's bytes go in after that.
            Release();
            ExtractorProtocol.ReadDocument(input, request, ref _buffer);
            _id = request.Document;
            var stream = new MemoryStream(_buffer, 0, request.PdfLength, writable: false, publiclyVisible: false);
            _pdf = PdfExtractor.Open(stream, settings);
            return _pdf;
        }
    }
}

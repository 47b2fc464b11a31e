using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Isolation;

/// <summary>
/// Documents built to hang, crash or exhaust a parser each end in their documented outcome, within their deadline,
/// and cost the worker nothing: it is the same process afterwards and still serves ordinary documents.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class HostileDocumentTests(HostileWorker hostile) : IClassFixture<HostileWorker>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>The outcomes docs/extraction.md's hostile-input table documents.</summary>
    public static TheoryData<string, string> Documents => new()
    {
        { "empty", "not_pdf" },
        { "not_a_pdf", "not_pdf" },
        { "random_bytes", "not_pdf" },
        { "random_after_header", "corrupt" },
        // Real documents with xref streams: cut in half or with a byte in fifty changed, no object can be found.
        { "truncated", "corrupt" },
        { "byte_flipped", "corrupt" },
        { "encrypted", "encrypted" },
        { "deeply_nested", "corrupt" },
        { "nested_in_content", "corrupt" },
        // PdfPig walks the tree and ignores the loop (and the lying /Count); the page is read.
        { "page_tree_loop", "done" },
        { "lying_page_count", "done" },
        // PdfPig follows 4 0 R → 5 0 R → 4 0 R … until the stack overflows: only the extractor process dies.
        { "reference_loop", "parser_crash" },
        // PdfPig stops at a form that draws itself.
        { "form_recursion", "done" },
        { "decompression_bomb", "too_large" },
        // Parsing it takes far longer than the 10 s deadline: each attempt's extractor is killed, then a dead letter.
        { "cpu_bomb", "timeout" },
        { "huge_page_count", "too_large" },
        { "huge_image", "done" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task HostileDocument_EndsInItsCategory_AndTheWorkerKeepsServing(string kind, string expected)
    {
        var (outcome, letter) = await hostile.ProcessAsync(kind, HostileCorpus.Make(kind), Patience);

        Assert.True(expected == outcome, $"{kind}: expected {expected}, got {outcome} ({letter?.Message})");
        var (afterwards, _) = await hostile.ProcessAsync("ordinary", Corpus.Generated("still serving"), Patience);
        Assert.Equal("done", afterwards);
        Assert.False(hostile.Worker.HasExited, hostile.Worker.Output);
    }

    [Fact]
    public async Task DocumentsThatEndTheExtractor_CostOneTask_NotTheWorkersMemoryOrLife()
    {
        var before = await hostile.Worker.MetricsAsync();

        var (bomb, _) = await hostile.ProcessAsync("decompression_bomb", HostileCorpus.Make("decompression_bomb"), Patience);
        var (loop, letter) = await hostile.ProcessAsync("reference_loop", HostileCorpus.Make("reference_loop"), Patience);
        var (endless, _) = await hostile.ProcessAsync("cpu_bomb", HostileCorpus.Make("cpu_bomb"), Patience);

        Assert.Equal("too_large", bomb);
        Assert.Equal("parser_crash", loop);
        Assert.Equal("timeout", endless);
        Assert.Contains("Stack overflow", letter!.Message, StringComparison.Ordinal);
        var after = await hostile.Worker.MetricsAsync();
        // The bomb filled one extractor to its limit; the loop overflowed the stack on each of its two attempts.
        Assert.Equal(1, Exposition.Value(after, "pdf_extractor_exits_total", "reason=\"memory\"") - Exposition.Value(before, "pdf_extractor_exits_total", "reason=\"memory\""));
        Assert.Equal(2, Exposition.Value(after, "pdf_extractor_exits_total", "reason=\"crash\"") - Exposition.Value(before, "pdf_extractor_exits_total", "reason=\"crash\""));
        // The endless parse was killed at the deadline on each of its two attempts, not left running: its own extractor,
        // and the worker's other one once it had borrowed it for later pages (as soon as its first pages were done).
        Assert.InRange(Exposition.Value(after, "pdf_extractor_exits_total", "reason=\"deadline\"") - Exposition.Value(before, "pdf_extractor_exits_total", "reason=\"deadline\""), 2, 4);
        Assert.False(hostile.Worker.HasExited);
        // PdfPig's objects for the bomb's glyphs never lived in the worker.
        Assert.InRange(hostile.Worker.PeakResidentBytes(), 0, (long)HostileWorker.MemoryLimitMb << 20);
    }

    /// <summary>
    /// OCR runs inside the extractor's isolation: a scanned document that needs longer than the 10 s deadline is a
    /// timeout, and the tools reading it (pdftoppm, tesseract) die with their extractor instead of using the core on.
    /// Killed alone, the extractor would leave its running tool to init, still reading a page; so the moment the dead
    /// letter is written, no tool of this worker's extractors may run (told apart from other tests' tools by the
    /// temporary folder they inherit, which names the worker's process id: re-parented to init, a tool is no longer
    /// among the worker's descendants).
    /// </summary>
    [Fact]
    public async Task OcrPastTheDeadline_IsATimeout_AndNoOcrToolOutlivesIt()
    {
        var processing = hostile.ProcessAsync("long_scan", TextFixtures.Scanned(pages: 12), Patience);
        // The filter below finds this worker's tools while they run, so an empty list after the deadline means something.
        await Eventually.TrueAsync(() => Task.FromResult(RunningOcrTools(hostile.Worker.ProcessId).Count > 0), Patience, "an OCR tool of this worker running");
        var (outcome, letter) = await processing;
        var running = RunningOcrTools(hostile.Worker.ProcessId);

        Assert.True(outcome == "timeout", $"expected timeout, got {outcome} ({letter?.Message})");
        Assert.Empty(running);
        var (afterwards, _) = await hostile.ProcessAsync("ordinary", Corpus.Generated("still serving"), Patience);
        Assert.Equal("done", afterwards);
    }

    /// <summary>
    /// OCR tools of <paramref name="workerPid"/>'s extractors that are alive: a killed one waiting for init to reap it
    /// (state Z) uses nothing.
    /// </summary>
    private static List<string> RunningOcrTools(int workerPid) =>
        [.. Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsDigit)).Select(Describe)
            .Where(p => p.Command is "tesseract" or "pdftoppm" && p.State != "Z"
                && p.Environment.Contains($"pdfaspire-extractor-{workerPid}-", StringComparison.Ordinal))
            .Select(p => $"{p.Command} ({p.State})")];

    private static (string Command, string State, string Environment) Describe(string? id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id}/stat");
            return (File.ReadAllText($"/proc/{id}/comm").Trim(), stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0],
                File.ReadAllText($"/proc/{id}/environ"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone meanwhile, or another user's.
            return ("", "", "");
        }
    }
}

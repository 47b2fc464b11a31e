namespace PdfAspire.Benchmarks.Quality;

/// <summary>
/// `./bench.sh --quality`: texlive-latex-base-doc and texlive-pictures-doc (or the --corpus folder) through the whole
/// pipeline, their text against pdftotext's, and a set of scans made from corpus pages against the pages' own text.
/// </summary>
public static class QualityBenchmark
{
    private const int Scans = 40;

    public static async Task RunAsync(string? userCorpus, bool smoke, string output, string environment)
    {
        Console.WriteLine("Text quality: loading the corpora and their reference texts…");
        var corpora = userCorpus is null
            ? new List<(string Name, IReadOnlyList<CorpusDocument> Documents)>
            {
                (BenchCorpus.LatexBase, BenchCorpus.FromPackage(BenchCorpus.LatexBase, smoke ? 3 : null)),
                (BenchCorpus.Pictures, BenchCorpus.FromPackage(BenchCorpus.Pictures, smoke ? 2 : null)),
            }
            : [(userCorpus, BenchCorpus.FromDirectory(userCorpus))];
        await using var system = await LocalSystem.StartAsync();
        var text = new List<QualityResult>();
        foreach (var (name, documents) in corpora)
        {
            Console.WriteLine($"{name}: {documents.Count} documents through the pipeline…");
            text.Add(await QualityRun.RunAsync(system, name, await ReferenceTexts.ForTextAsync(documents)));
        }
        Console.WriteLine("Scanning pages for the OCR set…");
        var scans = await ReferenceTexts.ForScansAsync(corpora[0].Documents, smoke ? 1 : Scans);
        Console.WriteLine($"{scans.Count} scanned pages through the pipeline…");
        var ocr = await QualityRun.RunAsync(system, $"{corpora[0].Name}, pages scanned at 300 dpi", scans);

        var markdown = QualityReport.Markdown(text, ocr, environment);
        Console.WriteLine();
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(Path.Combine(output, "quality.md"), markdown);
        Console.WriteLine($"Written: {output}/quality.md");
    }
}

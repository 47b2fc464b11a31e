using PdfAspire.Benchmarks;
using PdfAspire.Benchmarks.Quality;

// One run on one corpus and the same cores: raw PdfPig, pdftotext, the whole pipeline in several shapes, per-task
// overhead, and worker memory. `--smoke` runs a tiny corpus to prove the benchmark works (CI), never a threshold;
// `--overhead` measures only the per-task overhead, in seconds, for work on the path a task takes; `--quality`
// measures the delivered text against pdftotext (and OCR against the pages scans were made from); `--corpus DIR`
// runs on the PDFs of a folder instead of Debian's texlive documentation.
var smoke = args.Contains("--smoke");
var output = args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault()
    ?? Path.Combine(LocalSystem.RepositoryRoot, "BenchmarkResults");
Directory.CreateDirectory(output);

var userCorpus = args.SkipWhile(a => a != "--corpus").Skip(1).FirstOrDefault();
var environment = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";

if (args.Contains("--quality"))
{
    await QualityBenchmark.RunAsync(userCorpus, smoke, output, environment);
    return;
}

Console.WriteLine($"Loading the corpus ({(smoke ? "smoke" : "full")})…");
var onePagers = BenchCorpus.OnePagers(smoke ? 12 : 200);
if (args.Contains("--overhead"))
{
    await using var overheadOnly = await LocalSystem.StartAsync();
    await PipelineRuns.UploadAsync(overheadOnly, onePagers, "one-page");
    Console.WriteLine(Report.OverheadSummary(await PipelineRuns.OverheadAsync(overheadOnly, onePagers, "one-page")));
    return;
}
var corpus = userCorpus is null ? BenchCorpus.FromPackage(BenchCorpus.LatexBase, smoke ? 4 : null) : BenchCorpus.FromDirectory(userCorpus);
Console.WriteLine($"{corpus.Count} texlive PDFs, {corpus.Sum(d => d.Pages)} pages, {corpus.Sum(d => (long)d.Content.Length) / 1048576.0:0.0} MB; {onePagers.Count} one-page PDFs");

var rows = new List<Measurement>();
Console.WriteLine("raw PdfPig…");
RawExtraction.Run(corpus.Take(2).ToList()); // warm-up: JIT and font tables
rows.Add(RawExtraction.Run(corpus));
Console.WriteLine("pdftotext…");
rows.Add(await PopplerExtraction.RunAsync(corpus));
Console.WriteLine("one extractor process…");
rows.Add(await SingleExtractor.RunAsync(corpus));

await using (var system = await LocalSystem.StartAsync())
{
    await PipelineRuns.UploadAsync(system, corpus, "corpus");
    await PipelineRuns.UploadAsync(system, onePagers, "one-page");
    var cores = Environment.ProcessorCount;
    (int Workers, int Concurrency)[] shapes = smoke ? [(1, cores)] : [.. new[] { (1, 1), (1, 2), (1, cores), (2, cores) }.Distinct()];
    foreach (var (workers, concurrency) in shapes)
    {
        Console.WriteLine($"pipeline: {workers} worker(s) × concurrency {concurrency}…");
        rows.Add(await PipelineRuns.ThroughputAsync(system, corpus, "corpus", workers, concurrency));
    }
    if (!smoke)
    {
        Console.WriteLine($"pipeline: 1 worker × concurrency {cores}, extraction in-process (what isolation costs)…");
        rows.Add(await PipelineRuns.ThroughputAsync(system, corpus, "corpus", 1, cores, isolated: false));
    }
    Console.WriteLine("per-task overhead…");
    var overhead = await PipelineRuns.OverheadAsync(system, onePagers, "one-page");

    var report = new Report(rows, overhead, environment);
    var markdown = report.Markdown();
    Console.WriteLine();
    Console.WriteLine(markdown);
    await File.WriteAllTextAsync(Path.Combine(output, "benchmark.md"), markdown);
    await File.WriteAllTextAsync(Path.Combine(output, "benchmark.json"), report.Json());
    report.Chart(Path.Combine(output, "benchmark.png"));
    Console.WriteLine($"Written: {output}/benchmark.md, benchmark.json, benchmark.png");
}
if (smoke)
{
    // Proves the quality run works too, on a handful of documents and one scan.
    await QualityBenchmark.RunAsync(userCorpus, smoke, output, environment);
}

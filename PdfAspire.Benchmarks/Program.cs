using PdfAspire.Benchmarks;
using PdfAspire.Benchmarks.Quality;

// One run on the same cores, per corpus: raw PdfPig, pdftotext, one extractor and one per core with no pipeline, the
// ideal scaling they imply, and the whole pipeline in several shapes; then per-task overhead and memory. `--smoke`
// runs a few documents of each corpus to prove the benchmark works (CI), never a threshold; `--overhead` measures only
// the per-task overhead; `--quality` measures the delivered text against pdftotext (and OCR against the pages scans
// were made from); `--corpus DIR` runs on the PDFs of a folder instead of Debian's texlive documentation; `--queue`
// measures what each task and each idle process costs the Redis every worker shares; `--lanes` what a priority lane buys
// a task behind a backlog; `--failover` what a Redis Cluster failover loses; `--startup` a new worker's first minute; `--large` one 3,000-page
// document against the same pages as separate documents; `--one-page` only the one-page documents and the per-task overhead.
var smoke = args.Contains("--smoke");
var output = args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault()
    ?? Path.Combine(LocalSystem.RepositoryRoot, "BenchmarkResults");
Directory.CreateDirectory(output);

var userCorpus = args.SkipWhile(a => a != "--corpus").Skip(1).FirstOrDefault();
var environment = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";

if (args.Contains("--queue"))
{
    await PdfAspire.Benchmarks.Queue.QueueBenchmark.RunAsync(smoke, output, environment);
    return;
}
if (args.Contains("--lanes"))
{
    await PdfAspire.Benchmarks.Queue.LanesBenchmark.RunAsync(smoke, output, environment);
    return;
}
if (args.Contains("--failover"))
{
    await PdfAspire.Benchmarks.Queue.FailoverBenchmark.RunAsync(smoke, output, environment);
    return;
}
if (args.Contains("--startup"))
{
    await StartupBenchmark.RunAsync(smoke, output, environment);
    return;
}
if (args.Contains("--large"))
{
    await LargeDocumentBenchmark.RunAsync(smoke, output, environment);
    return;
}
if (args.Contains("--quality"))
{
    await QualityBenchmark.RunAsync(userCorpus, smoke, output, environment);
    return;
}

Console.WriteLine($"Loading the corpora ({(smoke ? "smoke" : "full")})…");
var onePagers = BenchCorpus.OnePagers(smoke ? 12 : 200);
if (args.Contains("--overhead"))
{
    await using var overheadOnly = await LocalSystem.StartAsync();
    await PipelineRuns.UploadAsync(overheadOnly, onePagers, "one-page");
    Console.WriteLine(Report.OverheadSummary(await PipelineRuns.OverheadAsync(overheadOnly, onePagers, "one-page")));
    return;
}
(string Name, IReadOnlyList<CorpusDocument> Documents) Small() => (BenchCorpus.OnePageName, BenchCorpus.OnePagers(smoke ? 12 : BenchCorpus.OnePageCount));
List<(string Name, IReadOnlyList<CorpusDocument> Documents)> corpora = userCorpus is not null
    ? [(userCorpus, BenchCorpus.FromDirectory(userCorpus))]
    : args.Contains("--one-page")
    ? [Small()]
    :
    [
        (BenchCorpus.LatexBase, BenchCorpus.FromPackage(BenchCorpus.LatexBase, smoke ? 4 : null)),
        (BenchCorpus.Pictures, BenchCorpus.FromPackage(BenchCorpus.Pictures, smoke ? 3 : null)),
        Small(),
    ];
foreach (var (name, documents) in corpora)
{
    Console.WriteLine($"{name}: {documents.Count} PDFs, {documents.Sum(d => d.Pages):N0} pages, {documents.Sum(d => (long)d.Content.Length) / 1048576.0:0.0} MB");
}

await using var system = await LocalSystem.StartAsync();
var results = new List<CorpusResult>();
foreach (var (name, documents) in corpora)
{
    results.Add(await ThroughputRun.RunAsync(system, name, Report.Slug(name), documents, smoke));
}
Console.WriteLine("per-task overhead…");
await PipelineRuns.UploadAsync(system, onePagers, "one-page");
var overhead = await PipelineRuns.OverheadAsync(system, onePagers, "one-page");

var report = new Report(results, overhead, environment);
var markdown = report.Markdown();
Console.WriteLine();
Console.WriteLine(markdown);
// The one-page run writes beside the full run's results, not over them.
var file = args.Contains("--one-page") && userCorpus is null ? "one-page" : "benchmark";
await File.WriteAllTextAsync(Path.Combine(output, $"{file}.md"), markdown);
await File.WriteAllTextAsync(Path.Combine(output, $"{file}.json"), report.Json());
var charts = report.Charts(output).Select(Path.GetFileName).ToList();
Console.WriteLine($"Written: {output}/{file}.md, {file}.json, {string.Join(", ", charts)}");
if (smoke)
{
    // Proves the quality run works too, on a handful of documents and one scan.
    await QualityBenchmark.RunAsync(userCorpus, smoke, output, environment);
}

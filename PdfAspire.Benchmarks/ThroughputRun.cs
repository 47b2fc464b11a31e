namespace PdfAspire.Benchmarks;

/// <summary>Every throughput row for one corpus, on the same cores, in one run.</summary>
public sealed record CorpusResult(string Corpus, IReadOnlyList<Measurement> Rows)
{
    public static readonly string DefaultPipelineName = PipelineRuns.Name(1, PipelineRuns.DefaultConcurrency, isolated: true);

    public Measurement Poppler => Rows.Single(r => r.Name == PopplerExtraction.Name);

    public Measurement LoneExtractor => Rows.Single(r => r.Name == SingleExtractor.Name(1));

    /// <summary>The ideal scaling row; null when the lone extractor's CPU was too little for the clock to see.</summary>
    public Measurement? Ideal => Rows.SingleOrDefault(r => r.Computed);

    public Measurement DefaultPipeline => Rows.Single(r => r.Name == DefaultPipelineName);

    public IEnumerable<Measurement> Pipelines => Rows.Where(r => r.Name.StartsWith(PipelineRuns.NamePrefix, StringComparison.Ordinal));

    public int Pages => (int)LoneExtractor.Pages;

    public int Documents => LoneExtractor.Documents;

    public long Bytes => LoneExtractor.Bytes;
}

public static class ThroughputRun
{
    /// <summary>
    /// The engine alone first (PdfPig in-process, pdftotext, one extractor, one per core), the ideal it implies, then
    /// the whole pipeline in several shapes. <paramref name="prefix"/> keeps this corpus's objects apart in the bucket.
    /// </summary>
    public static async Task<CorpusResult> RunAsync(LocalSystem system, string name, string prefix, IReadOnlyList<CorpusDocument> corpus, bool smoke)
    {
        var cores = Environment.ProcessorCount;
        var rows = new List<Measurement>();
        Console.WriteLine($"{name}: raw PdfPig…");
        RawExtraction.Run([.. corpus.Take(SingleExtractor.WarmUpDocuments)]); // warm-up: JIT (tiered up) and font tables
        rows.Add(RawExtraction.Run(corpus));
        Console.WriteLine($"{name}: pdftotext…");
        rows.Add(await PopplerExtraction.RunAsync(corpus));
        Console.WriteLine($"{name}: one extractor process…");
        var lone = await SingleExtractor.RunAsync(corpus, 1);
        rows.Add(lone);
        Console.WriteLine($"{name}: {cores} extractor processes…");
        rows.Add(await SingleExtractor.RunAsync(corpus, cores));
        if (Ideal(lone, cores) is { } ideal)
        {
            rows.Add(ideal);
        }

        await PipelineRuns.UploadAsync(system, corpus, prefix);
        // Besides the default (twice as many tasks in flight as extractors), as many tasks as extractors: what the
        // overlap of one task's download and submission with another's extraction buys.
        (int Workers, int Concurrency)[] shapes = smoke
            ? [(1, PipelineRuns.DefaultConcurrency)]
            : [.. new[] { (1, 1), (1, cores), (1, PipelineRuns.DefaultConcurrency), (2, cores) }.Distinct()];
        foreach (var (workers, concurrency) in shapes)
        {
            Console.WriteLine($"{name}: pipeline, {workers} worker(s) × concurrency {concurrency}…");
            rows.Add(await PipelineRuns.ThroughputAsync(system, corpus, prefix, workers, concurrency));
        }
        if (!smoke)
        {
            // The default shape with every document read whole by one extractor: what page ranges buy (or cost) here.
            Console.WriteLine($"{name}: pipeline, the default shape, documents in one piece (what page ranges change)…");
            rows.Add(await PipelineRuns.ThroughputAsync(system, corpus, prefix, 1, PipelineRuns.DefaultConcurrency,
                settings: new Dictionary<string, string> { ["EXTRACTION_SPLIT_PAGES"] = "0" }, name: WholeDocumentsName));
            Console.WriteLine($"{name}: pipeline, 1 worker × concurrency {cores}, extraction in-process (what isolation costs)…");
            rows.Add(await PipelineRuns.ThroughputAsync(system, corpus, prefix, 1, cores, isolated: false));
        }
        return new CorpusResult(name, rows);
    }

    public static readonly string WholeDocumentsName = $"{CorpusResult.DefaultPipelineName}, documents in one piece (EXTRACTION_SPLIT_PAGES=0)";

    /// <summary>
    /// What <paramref name="cores"/> extractors would do if they scaled perfectly: each as fast per CPU-second as one
    /// alone, every core busy, nothing else running. No pipeline can beat it; the default shape is held to 0.9 × it.
    /// Null when the extractor's CPU read zero: a few tiny documents take less than one tick of the CPU clock (10 ms),
    /// and an infinite ideal would mean nothing.
    /// </summary>
    private static Measurement? Ideal(Measurement lone, int cores)
    {
        var cpuSeconds = lone.CpuSeconds[Measurement.ExtractorCpu];
        if (cpuSeconds <= 0)
        {
            return null;
        }
        var pagesPerCpuSecond = lone.Pages / cpuSeconds;
        return new Measurement($"ideal: {cores} cores × one extractor's {pagesPerCpuSecond:0} pages per CPU-second", lone.Documents, lone.Pages,
            lone.Bytes, TimeSpan.FromSeconds(lone.Pages / (cores * pagesPerCpuSecond)))
        {
            Computed = true,
        };
    }
}

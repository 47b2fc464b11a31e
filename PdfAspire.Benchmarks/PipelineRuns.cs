using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using PdfAspire.TaskQueue;

namespace PdfAspire.Benchmarks;

/// <summary>The whole pipeline: tasks queued for PDFs already in the bucket, timed until ingest holds every result.</summary>
public static class PipelineRuns
{
    public static async Task UploadAsync(LocalSystem system, IReadOnlyList<CorpusDocument> corpus, string prefix)
    {
        await Parallel.ForEachAsync(corpus.Select((d, i) => (d, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (item, _) => await system.UploadAsync(Key(prefix, item.i), item.d.Content));
    }

    /// <summary>
    /// The corpus through <paramref name="workers"/> workers, warmed up first on <paramref name="warmUpOn"/> (by default
    /// the corpus itself), with <paramref name="settings"/> for each; <paramref name="name"/> names the row.
    /// </summary>
    public static async Task<Measurement> ThroughputAsync(LocalSystem system, IReadOnlyList<CorpusDocument> corpus, string prefix, int workers, int concurrency,
        bool isolated = true, IReadOnlyDictionary<string, string>? settings = null, (IReadOnlyList<CorpusDocument> Corpus, string Prefix)? warmUpOn = null,
        string? name = null)
    {
        await system.ResetAsync();
        var processes = new List<WorkerProcess>();
        for (var i = 0; i < workers; i++)
        {
            processes.Add(await system.StartWorkerAsync(concurrency, isolated, settings: settings));
        }
        try
        {
            var (warmUpCorpus, warmUpPrefix) = warmUpOn ?? (corpus, prefix);
            var warmUp = await WarmUpAsync(system, warmUpCorpus, warmUpPrefix, processes, workers * concurrency);
            // Peaks from here on: the warm-up's documents are not the row's.
            processes.SelectMany(p => p.Extractors()).ToList().ForEach(ProcFs.ResetPeakResidentBytes);
            var payloads = corpus.Select((d, i) => (StackExchange.Redis.RedisValue)TaskJson(prefix, i, d.Name)).ToArray();
            var cpuBefore = CpuByProcess(system, processes);
            var gcBefore = await GcPauseAsync(processes);
            var jitBefore = await JitAsync(processes);
            var samplers = processes.Select(p => new MemorySampler(p.BytesWithExtractors)).ToList();
            var watch = Stopwatch.StartNew();
            await system.Redis.GetDatabase().ListLeftPushAsync(QueueOptions.DefaultName, payloads);
            await UntilAllEndedAsync(system, corpus.Count);
            var elapsed = watch.Elapsed;
            foreach (var sampler in samplers)
            {
                await sampler.DisposeAsync();
            }
            var cpu = CpuByProcess(system, processes).ToDictionary(p => p.Key, p => p.Value - cpuBefore[p.Key]);
            return new Measurement(name ?? Name(workers, concurrency, isolated),
                corpus.Count, corpus.Sum(d => (long)d.Pages), corpus.Sum(d => (long)d.Content.Length), elapsed, processes.Max(p => p.PeakResidentBytes()))
            {
                CpuSeconds = cpu,
                WorkerGcPauseSeconds = await GcPauseAsync(processes) - gcBefore,
                WorkerJitSeconds = await JitAsync(processes) - jitBefore,
                WarmUp = warmUp,
                ExtractorPeakRssBytes = isolated ? processes.Max(p => p.ExtractorPeakRssBytes()) : null,
                LargestExtractorPeakRssBytes = isolated ? processes.Max(p => p.LargestExtractorPeakRssBytes()) : null,
                TogetherPeakBytes = samplers.Max(s => s.PeakBytes),
                DeadLettered = (int)await system.Redis.GetDatabase().HashLengthAsync(DeadLetters),
            };
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    public const string NamePrefix = "pipeline: ";

    /// <summary>The worker's default WORKER_CONCURRENCY: twice the extractors it keeps by default (one per core).</summary>
    public static readonly int DefaultConcurrency = 2 * Environment.ProcessorCount;

    /// <summary>A worker's extractors at <paramref name="concurrency"/>, by the worker's default.</summary>
    public static int Extractors(int concurrency) => Math.Min(Environment.ProcessorCount, concurrency);

    public static string Name(int workers, int concurrency, bool isolated) =>
        $"{NamePrefix}{workers} worker{(workers == 1 ? "" : "s")} × concurrency {concurrency}"
        + (isolated ? $", {Extractors(concurrency)} extractor{(Extractors(concurrency) == 1 ? "" : "s")}" : ", in-process extraction");

    private static readonly StackExchange.Redis.RedisKey DeadLetters = new QueueKeys(QueueOptions.DefaultName).Dead;

    /// <summary>Every task delivered to ingest or dead-lettered: a document PdfPig can't read must not hang the run.</summary>
    private static Task UntilAllEndedAsync(LocalSystem system, int tasks) =>
        LocalSystem.UntilDoneAsync(async () => await system.StoredAsync() + await system.Redis.GetDatabase().HashLengthAsync(DeadLetters) >= tasks);

    private static async Task<double> GcPauseAsync(List<WorkerProcess> workers) =>
        (await Task.WhenAll(workers.Select(w => w.GcPauseSecondsAsync()))).Sum();

    private static async Task<double> JitAsync(List<WorkerProcess> workers) =>
        (await Task.WhenAll(workers.Select(w => w.JitSecondsAsync()))).Sum();

    private static Dictionary<string, double> CpuByProcess(LocalSystem system, List<WorkerProcess> workers)
    {
        var cpu = system.InfrastructureCpu();
        cpu[Measurement.WorkerCpu] = workers.Sum(w => w.CpuSeconds());
        cpu[Measurement.ExtractorCpu] = workers.Sum(w => w.ExtractorCpuSeconds());
        cpu[Measurement.BenchmarkCpu] = ProcessCpu.Seconds(Environment.ProcessId);
        return cpu;
    }

    /// <summary>
    /// Brings the workers to the state of workers that have been running: the clock starts once their JIT has
    /// settled. A fresh .NET process compiles every method it uses, then recompiles the hot ones optimized (tiered
    /// compilation); measured in a new worker, that spent about 0.8 CPU-seconds of every second on compiling for the
    /// first ten seconds and more, and it is a cost per process start, not per page. The extractors recompile PdfPig's
    /// hot code the same way, once they get pauses between documents to do it in (fed back to back, an extractor tiers
    /// up later; fed one-page documents with 10 ms pauses, it spent 4-7 ms of CPU a document for a few seconds, then
    /// 0.6). So documents go through in rounds of at least <see cref="MinWarmUpRoundPages"/> pages (and of at least
    /// <see cref="MinWarmUpRoundTime"/>, doubling a round that was shorter) until a round's
    /// compiling is under 5 % of the workers' CPU and the extractors' CPU for a round is no more than 15 % above the
    /// round before's (at most <see cref="MaxWarmUpRounds"/>). What warming cost is reported with the row. The warm-up
    /// results are then forgotten.
    /// </summary>
    private static async Task<WarmUp> WarmUpAsync(LocalSystem system, IReadOnlyList<CorpusDocument> corpus, string prefix,
        List<WorkerProcess> workers, int slots)
    {
        var pagesPerDocument = Math.Max(1.0, corpus.Average(d => d.Pages));
        var roundSize = Math.Min(corpus.Count, Math.Max(4 * slots, (int)Math.Ceiling(MinWarmUpRoundPages / pagesPerDocument)));
        var lastRoundExtractorCpu = double.MaxValue;
        var cpuBefore = workers.Sum(w => w.CpuSeconds() + w.ExtractorCpuSeconds());
        var jitBefore = await JitAsync(workers);
        var watch = Stopwatch.StartNew();
        var rounds = 0;
        var sent = 0;
        while (rounds < MaxWarmUpRounds)
        {
            var roundCpu = workers.Sum(w => w.CpuSeconds());
            var roundExtractorCpu = workers.Sum(w => w.ExtractorCpuSeconds());
            var roundJit = await JitAsync(workers);
            var round = Enumerable.Range(sent, roundSize)
                .Select(n => (StackExchange.Redis.RedisValue)TaskJson(prefix, n % corpus.Count, corpus[n % corpus.Count].Name)
                    .Replace($"\"{TaskId(prefix, n % corpus.Count)}\"", $"\"warm-up-{n}\"", StringComparison.Ordinal))
                .ToArray();
            sent += roundSize;
            rounds++;
            var roundStarted = Stopwatch.GetTimestamp();
            await system.Redis.GetDatabase().ListLeftPushAsync(QueueOptions.DefaultName, round);
            await UntilAllEndedAsync(system, sent);
            if (Stopwatch.GetElapsedTime(roundStarted) < MinWarmUpRoundTime)
            {
                // Recompiling takes its own time whatever the throughput: a round of fast documents must last long enough to see it.
                roundSize *= 2;
            }
            var compiling = await JitAsync(workers) - roundJit;
            var extractorCpu = workers.Sum(w => w.ExtractorCpuSeconds()) - roundExtractorCpu;
            var extractorsSettled = extractorCpu <= 1.15 * lastRoundExtractorCpu;
            lastRoundExtractorCpu = extractorCpu;
            if (rounds >= 2 && compiling < 0.05 * (workers.Sum(w => w.CpuSeconds()) - roundCpu) && extractorsSettled)
            {
                break;
            }
        }
        var warmUp = new WarmUp(rounds, sent, watch.Elapsed, workers.Sum(w => w.CpuSeconds() + w.ExtractorCpuSeconds()) - cpuBefore,
            await JitAsync(workers) - jitBefore);
        (await system.Stub.DeleteAsync("/results")).EnsureSuccessStatusCode();
        await system.Redis.GetDatabase().KeyDeleteAsync(DeadLetters);
        return warmUp;
    }

    private const int MaxWarmUpRounds = 12;

    private const int MinWarmUpRoundPages = 200;

    /// <summary>
    /// A shorter round doubles the next: 200 one-page documents went through in 0.4 s, and a worker still compiled 0.5–1.8
    /// CPU-seconds in the next 6 s (it recompiles some 5,700 hot methods, on a background thread that gets what the cores spare).
    /// </summary>
    private static readonly TimeSpan MinWarmUpRoundTime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// One task at a time through one worker: queued, taken, read from S3, extracted, submitted, stored. The time from
    /// LPUSH to ingest's store, minus the extraction the worker reports, is what the pipeline adds to a document; the
    /// worker's own timestamps split it into phases.
    /// </summary>
    public static async Task<Overhead> OverheadAsync(LocalSystem system, IReadOnlyList<CorpusDocument> onePagers, string prefix)
    {
        await system.ResetAsync();
        await using var worker = await system.StartWorkerAsync(concurrency: 1);
        var db = system.Redis.GetDatabase();
        var overheads = new List<double>();
        var endToEnd = new List<double>();
        var phases = new Dictionary<string, List<double>>();
        var storeGets = new List<double>();
        using var http = new HttpClient();
        for (var i = 0; i < onePagers.Count; i++)
        {
            var queuedAt = DateTimeOffset.UtcNow;
            await db.ListLeftPushAsync(QueueOptions.DefaultName, TaskJson(prefix, i, onePagers[i].Name));
            var stored = await WaitForResultAsync(system, TaskId(prefix, i));
            // The first few warm the JIT and connections; they are not what a running worker adds.
            if (i < 5)
            {
                continue;
            }
            var total = (stored.StoredAt - queuedAt).TotalMilliseconds;
            endToEnd.Add(total);
            overheads.Add(total - stored.ExtractionMs);
            foreach (var (phase, ms) in Phases(queuedAt, stored))
            {
                (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(ms);
            }
            storeGets.Add(await BareGetAsync(system, http, Key(prefix, i)));
        }
        overheads.Sort();
        return new Overhead(overheads.Count, Percentile(overheads, 0.50), Percentile(overheads, 0.99), endToEnd.Average(),
            phases.ToDictionary(p => p.Key, p => Percentile([.. p.Value.Order()], 0.50)), Percentile([.. storeGets.Order()], 0.50));
    }

    /// <summary>
    /// The same object fetched by a plain HTTP client on a presigned URL, right after the task: what the object store
    /// itself needs for a GET, whoever asks. No SDK, no worker.
    /// </summary>
    private static async Task<double> BareGetAsync(LocalSystem system, HttpClient http, string key)
    {
        var url = await system.S3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = LocalSystem.Bucket, Key = key, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(url);
        await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static IEnumerable<(string Phase, double Ms)> Phases(DateTimeOffset queuedAt, StoredResult stored)
    {
        var processing = (stored.CompletedAt - stored.StartedAt).TotalMilliseconds;
        yield return ("LPUSH until the worker starts the task (BLMOVE)", (stored.StartedAt - queuedAt).TotalMilliseconds);
        yield return ("attempt bookkeeping and the rest of the worker's own work", processing - stored.DownloadMs - stored.ExtractionMs);
        yield return ("S3 GET", stored.DownloadMs);
        yield return ("SubmitResult until ingest has stored it", (stored.StoredAt - stored.CompletedAt).TotalMilliseconds);
    }

    internal sealed record StoredResult(DateTimeOffset StartedAt, DateTimeOffset CompletedAt, DateTimeOffset StoredAt, double DownloadMs, double ExtractionMs);

    internal static async Task<StoredResult> WaitForResultAsync(LocalSystem system, string taskId)
    {
        JsonElement result = default;
        await LocalSystem.UntilDoneAsync(async () =>
        {
            using var response = await system.Stub.GetAsync($"/results/{taskId}");
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }
            result = await response.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        });
        var summary = (await system.Stub.GetFromJsonAsync<List<JsonElement>>("/results"))!
            .Single(r => r.GetProperty("task_id").GetString() == taskId);
        var timings = result.GetProperty("request").GetProperty("timings");
        return new StoredResult(timings.GetProperty("started_at").GetDateTimeOffset(), timings.GetProperty("completed_at").GetDateTimeOffset(),
            summary.GetProperty("stored_at").GetDateTimeOffset(), Milliseconds(timings, "download"), Milliseconds(timings, "extraction"));
    }

    /// <summary>A protobuf JSON duration ("0.012s"), in milliseconds; absent means zero.</summary>
    private static double Milliseconds(JsonElement timings, string name) =>
        timings.TryGetProperty(name, out var value) ? double.Parse(value.GetString()!.TrimEnd('s'), CultureInfo.InvariantCulture) * 1000 : 0;


    internal static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];

    internal static string Key(string prefix, int i) => $"{prefix}/{i}.pdf";

    internal static string TaskId(string prefix, int i) => $"{prefix}-{i}";

    internal static string TaskJson(string prefix, int i, string fileName) => JsonSerializer.Serialize(new UploadTask
    {
        TaskId = TaskId(prefix, i),
        Bucket = LocalSystem.Bucket,
        ObjectKey = Key(prefix, i),
        FileName = fileName,
    }, TaskQueueJsonContext.Default.UploadTask);
}

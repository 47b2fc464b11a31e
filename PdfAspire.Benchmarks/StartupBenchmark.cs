using System.Diagnostics;
using System.Globalization;
using System.Text;
using PdfAspire.TaskQueue;

namespace PdfAspire.Benchmarks;

/// <summary>
/// `./bench.sh --startup`: the first minute of a new worker, as a KEDA scale-out starts one. For each trial, a fresh
/// worker process (extractors isolated, OCR off): the time from its start until it reports ready, from ready until a
/// first one-page task is delivered, then a round of real documents through it twice. The first round pays for
/// compiling; the second, the same documents on the same warm worker, is what they cost once it has. Compiling is
/// read from the worker's runtime metric (its own JIT) and, for the extractor processes, which export none, as the
/// first round's extra CPU over the second. Two builds: the Release build (precompiled per assembly, what ./run.sh,
/// the tests and the other benchmarks run) and the container image's (PdfAspire.Worker/publish.sh into a temporary
/// folder, run as the image runs it; left out of --smoke, as publishing it takes minutes).
/// </summary>
public static class StartupBenchmark
{
    private const string Prefix = "startup";

    public static async Task RunAsync(bool smoke, string output, string environment)
    {
        var documents = BenchCorpus.FromPackage(BenchCorpus.LatexBase, smoke ? 4 : 40);
        var onePager = BenchCorpus.OnePagers(1);
        await using var system = await LocalSystem.StartAsync();
        await PipelineRuns.UploadAsync(system, onePager, $"{Prefix}-first");
        await PipelineRuns.UploadAsync(system, documents, Prefix);
        var trials = new List<Trial>();
        var builds = new List<Build> { new("Release build (./run.sh, tests, benchmarks)", null, new Dictionary<string, string>()) };
        using var image = smoke ? null : ImageBuild();
        if (image is not null)
        {
            builds.Add(image.Build);
        }
        foreach (var build in builds)
        {
            for (var trial = 0; trial < (smoke ? 1 : 3); trial++)
            {
                Console.WriteLine($"startup: {build.Name}, trial {trial + 1}…");
                trials.Add(await TrialAsync(system, documents, build, trials.Count));
            }
        }
        var report = Markdown(trials, documents, environment);
        Console.WriteLine();
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(output, "startup.md"), report);
        Console.WriteLine($"Written: {output}/startup.md");
    }

    /// <summary>The worker as its container image has it: published by the image's own script, with the image's settings.</summary>
    private static PublishedWorker ImageBuild()
    {
        var folder = Directory.CreateTempSubdirectory("pdfaspire-image-build-");
        Console.WriteLine($"startup: publishing the container image's build (PdfAspire.Worker/publish.sh) into {folder.FullName}…");
        var publish = Process.Start(new ProcessStartInfo("bash", [Path.Combine(LocalSystem.RepositoryRoot, "PdfAspire.Worker", "publish.sh"), folder.FullName])
        {
            RedirectStandardOutput = true,
        })!;
        var log = publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"publish.sh failed:\n{log}");
        }
        // As the Dockerfile's ENV sets it.
        var settings = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" };
        return new PublishedWorker(folder, new Build("container image's build (publish.sh, DOTNET_TieredCompilation=0)",
            Path.Combine(folder.FullName, "PdfAspire.Worker"), settings));
    }

    private static async Task<Trial> TrialAsync(LocalSystem system, IReadOnlyList<CorpusDocument> documents, Build build, int trial)
    {
        await system.ResetAsync();
        var started = Stopwatch.StartNew();
        await using var worker = await system.StartWorkerAsync(PipelineRuns.DefaultConcurrency, settings: build.Settings, executable: build.Executable);
        var ready = started.Elapsed;

        var first = Stopwatch.StartNew();
        await system.Redis.GetDatabase().ListLeftPushAsync(QueueOptions.DefaultName,
            PipelineRuns.TaskJson($"{Prefix}-first", 0, "first.pdf"));
        await PipelineRuns.WaitForResultAsync(system, PipelineRuns.TaskId($"{Prefix}-first", 0));
        var firstTask = first.Elapsed;

        var cold = await RoundAsync(system, worker, documents, $"{Prefix}-{trial}-cold");
        var warm = await RoundAsync(system, worker, documents, $"{Prefix}-{trial}-warm");
        return new Trial(build.Name, ready, firstTask, cold, warm, await worker.JitSecondsAsync(), started.Elapsed);
    }

    /// <summary>Every document once; the worker's and its extractors' CPU for the round.</summary>
    private static async Task<Round> RoundAsync(LocalSystem system, WorkerProcess worker, IReadOnlyList<CorpusDocument> documents, string round)
    {
        var workerCpu = worker.CpuSeconds();
        var extractorCpu = worker.ExtractorCpuSeconds();
        var jit = await worker.JitSecondsAsync();
        var stored = await system.StoredAsync();
        var took = Stopwatch.StartNew();
        var db = system.Redis.GetDatabase();
        for (var i = 0; i < documents.Count; i++)
        {
            // The documents were uploaded under the benchmark's prefix; each round queues them under ids of its own.
            await db.ListLeftPushAsync(QueueOptions.DefaultName, System.Text.Json.JsonSerializer.Serialize(new UploadTask
            {
                TaskId = $"{round}-{i}",
                Bucket = LocalSystem.Bucket,
                ObjectKey = PipelineRuns.Key(Prefix, i),
                FileName = documents[i].Name,
            }, TaskQueueJsonContext.Default.UploadTask));
        }
        await LocalSystem.UntilDoneAsync(async () =>
            await system.StoredAsync() + await db.HashLengthAsync(new QueueKeys(QueueOptions.DefaultName).Dead) >= stored + documents.Count);
        return new Round(took.Elapsed, worker.CpuSeconds() - workerCpu, worker.ExtractorCpuSeconds() - extractorCpu, await worker.JitSecondsAsync() - jit);
    }

    private static string Markdown(IReadOnlyList<Trial> trials, IReadOnlyList<CorpusDocument> documents, string environment)
    {
        var pages = documents.Sum(d => d.Pages);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# A new worker's first minute ({environment})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"A fresh worker (concurrency {PipelineRuns.DefaultConcurrency}, {PipelineRuns.Extractors(PipelineRuns.DefaultConcurrency)} isolated extractors, OCR off), then {documents.Count} texlive-latex-base-doc PDFs ({pages:N0} pages) twice: cold, then warm.");
        text.AppendLine();
        text.AppendLine("| build | start → ready, s | ready → first one-page task delivered, s | cold round, s | warm round, s | worker JIT, CPU-s (whole trial) | extractors' extra CPU cold over warm, s | worker CPU per page, warm, ms | extractor CPU per page, warm, ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var trial in trials)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {trial.Build} | {trial.Ready.TotalSeconds:0.00} | {trial.FirstTask.TotalSeconds:0.00} | {trial.Cold.Took.TotalSeconds:0.0} | {trial.Warm.Took.TotalSeconds:0.0} | {trial.WorkerJitSeconds:0.00} | {trial.Cold.ExtractorCpu - trial.Warm.ExtractorCpu:0.0} | {trial.Warm.WorkerCpu * 1000 / pages:0.00} | {trial.Warm.ExtractorCpu * 1000 / pages:0.00} |");
        }
        text.AppendLine();
        text.AppendLine("Targets (issue 25): first task ≤ 1 s after ready; compiling in the first minute ≤ 0.5 CPU-s; worker CPU ≤ 0.3 ms a page.");
        return text.ToString();
    }

    private sealed record Round(TimeSpan Took, double WorkerCpu, double ExtractorCpu, double WorkerJit);

    private sealed record Build(string Name, string? Executable, IReadOnlyDictionary<string, string> Settings);

    /// <summary>A published worker in a temporary folder, removed with it.</summary>
    private sealed record PublishedWorker(DirectoryInfo Folder, Build Build) : IDisposable
    {
        public void Dispose() => Folder.Delete(recursive: true);
    }

    private sealed record Trial(string Build, TimeSpan Ready, TimeSpan FirstTask, Round Cold, Round Warm, double WorkerJitSeconds, TimeSpan Total);
}

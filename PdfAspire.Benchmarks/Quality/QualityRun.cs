using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using PdfAspire.TaskQueue;

namespace PdfAspire.Benchmarks.Quality;

/// <summary>One document's delivered text against its reference.</summary>
public sealed record DocumentQuality(string Name, int Pages, WordAgreement Words, TextDefects Defects, string? Failure);

/// <summary>What the quality run found for one set of documents, and what it cost.</summary>
public sealed record QualityResult(string Name, IReadOnlyList<DocumentQuality> Documents, TimeSpan Elapsed, int OcrPages, double MeanOcrConfidence)
{
    public IReadOnlyList<DocumentQuality> Delivered => [.. Documents.Where(d => d.Failure is null)];

    public double MedianRecall => Median(Delivered.Select(d => d.Words.Recall));

    public double MedianPrecision => Median(Delivered.Select(d => d.Words.Precision));

    public double TenthPercentileRecall => Percentile(Delivered.Select(d => d.Words.Recall), 0.1);

    public TextDefects Defects => Delivered.Aggregate(TextDefects.None, (sum, d) => sum + d.Defects);

    public int Pages => Documents.Sum(d => d.Pages);

    private static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>A document to measure, with the text it should yield (pdftotext's, or the page a scan was made from).</summary>
public sealed record ReferencedDocument(CorpusDocument Document, string Reference);

/// <summary>
/// Sends documents through the whole pipeline (S3, a worker with its extractors and OCR, ingest) and compares the text
/// ingest stored, document by document, with a reference text.
/// </summary>
public static class QualityRun
{
    public static async Task<QualityResult> RunAsync(LocalSystem system, string name, IReadOnlyList<ReferencedDocument> documents)
    {
        var prefix = $"quality-{Guid.NewGuid():N}"[..16];
        var corpus = documents.Select(d => d.Document).ToList();
        await system.ResetAsync();
        await PipelineRuns.UploadAsync(system, corpus, prefix);
        await using var worker = await system.StartWorkerAsync(PipelineRuns.DefaultConcurrency, ocr: true);
        var db = system.Redis.GetDatabase();
        var watch = Stopwatch.StartNew();
        await db.ListLeftPushAsync(QueueOptions.DefaultName, [.. corpus.Select((d, i) => (StackExchange.Redis.RedisValue)PipelineRuns.TaskJson(prefix, i, d.Name))]);
        var keys = new QueueKeys(QueueOptions.DefaultName);
        await LocalSystem.UntilDoneAsync(async () => await system.StoredAsync() + await db.HashLengthAsync(keys.Dead) >= corpus.Count, intervalMs: 200);
        var elapsed = watch.Elapsed;

        var results = new List<DocumentQuality>();
        var confidences = new List<float>();
        for (var i = 0; i < documents.Count; i++)
        {
            var (document, reference) = documents[i];
            var stored = await DeliveredAsync(system, PipelineRuns.TaskId(prefix, i));
            if (stored is null)
            {
                var letter = await db.HashGetAsync(keys.Dead, PipelineRuns.TaskId(prefix, i));
                var category = letter.IsNull ? "missing" : JsonSerializer.Deserialize((string)letter!, TaskQueueJsonContext.Default.DeadLetter)!.Category;
                results.Add(new DocumentQuality(document.Name, document.Pages, TextComparison.Compare(reference, ""), TextDefects.None, category));
                continue;
            }
            confidences.AddRange(stored.Value.OcrConfidences);
            results.Add(new DocumentQuality(document.Name, document.Pages, TextComparison.Compare(reference, stored.Value.Text),
                TextComparison.Defects(stored.Value.Text), null));
        }
        return new QualityResult(name, results, elapsed, confidences.Count, confidences.Count == 0 ? double.NaN : confidences.Average());
    }

    /// <summary>The whole document as ingest stored it: its pages' text, and the confidence of each page read by OCR.</summary>
    private static async Task<(string Text, List<float> OcrConfidences)?> DeliveredAsync(LocalSystem system, string taskId)
    {
        using var response = await system.Stub.GetAsync($"/results/{taskId}");
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var pages = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request").GetProperty("document").GetProperty("pages")
            .EnumerateArray().ToList();
        var text = string.Join('\n', pages.Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));
        var ocr = pages.Where(p => p.TryGetProperty("source", out var s) && s.GetString() == "PAGE_TEXT_SOURCE_OCR")
            .Select(p => p.TryGetProperty("ocr_confidence", out var c) ? c.GetSingle() : 0f).ToList();
        return (text, ocr);
    }
}

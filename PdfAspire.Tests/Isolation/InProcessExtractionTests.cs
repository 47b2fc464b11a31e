using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Isolation;

/// <summary>EXTRACTION_ISOLATION=none, the benchmark's comparison, still extracts what the isolated path does.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class InProcessExtractionTests(AppHostFixture system)
{
    [Fact]
    public async Task WorkerWithoutIsolation_ExtractsARealDocument_WithNoExtractorProcess()
    {
        const string queue = "queue:in_process_test";
        await using var worker = await WorkerProcess.StartAsync(system, "inproc", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue,
            ["EXTRACTION_ISOLATION"] = "none",
        });
        var path = Corpus.TexLiveDocuments(maxBytes: 300_000)[0];
        var taskId = PipelineDriver.NewTaskId("inproc");
        var key = $"inproc/{taskId}.pdf";
        await system.Pipeline.UploadAsync(key, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        var keys = new QueueKeys(queue);

        await system.Redis.ListLeftPushAsync(keys.Pending, $$"""{"task_id":"{{taskId}}","object_key":"{{key}}"}""");
        var result = await Eventually.ValueAsync(() => system.Pipeline.ResultAsync(taskId), r => r is not null,
            TimeSpan.FromSeconds(60), "the in-process worker's result");

        Assert.Equal(Corpus.PdfInfoPages(path), result!.PageTexts.Count);
        Assert.Contains(result.PageTexts, text => text.Length > 100);
        Assert.Empty(worker.Extractors());
    }
}

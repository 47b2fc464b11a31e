using System.Text.Json;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Pipeline;

/// <summary>
/// What ingest receives is what search indexes: each defect that breaks it, in a small generated PDF, sent through
/// the real pipeline (S3, the worker and its extractor processes, Tesseract, ingest) and read back from ingest.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class TextFidelityTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task LigatureGlyphs_AreSpeltOut()
    {
        var text = await DeliveredTextAsync("ligatures", TextFixtures.Ligatures());

        Assert.Contains("The files define flexible fields.", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text, c => c is >= '\uFB00' and <= '\uFB06');
    }

    [Fact]
    public async Task AnAccentDrawnBesideItsLetter_IsComposedWithIt()
    {
        var text = await DeliveredTextAsync("accent", TextFixtures.SpacingAccent());

        Assert.Contains("Written by Kl\u00FCwer and friends.", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u00A8', text);
    }

    [Fact]
    public async Task AFontWithoutUnicodeMapping_LeavesNoControlCharacterBehind()
    {
        var text = await DeliveredTextAsync("control", TextFixtures.ControlCharacterFont());

        Assert.Equal("Plain words then more words", text);
        Assert.DoesNotContain(text, char.IsControl);
    }

    [Fact]
    public async Task AWordHyphenatedAcrossALineEnd_IsJoined()
    {
        var text = await DeliveredTextAsync("hyphen", TextFixtures.Hyphenated());

        Assert.Equal("the pipeline generated this text.", text);
    }

    [Fact]
    public async Task AScannedPage_IsReadByOcr_AndSaysSo()
    {
        var taskId = await system.Pipeline.SubmitAsync("scanned", TextFixtures.Scanned());
        var summary = (await system.Pipeline.WaitForResultsAsync([taskId], Patience))[taskId];
        var result = (await system.Pipeline.ResultAsync(taskId))!;

        var expected = TextFixtures.ScannedWords.Split(' ');
        var read = result.PageTexts.Single().Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["PAGE_TEXT_SOURCE_OCR"], result.PageSources);
        Assert.True(result.OcrConfidences.Single() > 60, $"confidence {result.OcrConfidences.Single()}");
        Assert.True(expected.Count(read.Contains) >= expected.Length - 1, $"OCR read: {result.PageTexts.Single()}");
        Assert.Equal(1, summary.OcrPages);
    }

    [Fact]
    public async Task ADocumentOfScans_WithOcrOff_IsNoText_NotAnEmptySuccess()
    {
        var queue = new QueueKeys($"queue:ocr-off-{Guid.NewGuid():N}");
        await using var worker = await WorkerProcess.StartAsync(system, "ocr-off", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = queue.Pending,
            ["OCR_ENABLED"] = "false",
        });
        var taskId = PipelineDriver.NewTaskId("scans-ocr-off");
        var key = $"scans/{taskId}.pdf";
        await system.Pipeline.UploadAsync(key, TextFixtures.Scanned(pages: 2));

        await system.Redis.ListLeftPushAsync(queue.Pending, $$"""{"task_id":"{{taskId}}","object_key":"{{key}}"}""");
        var letter = await Eventually.ValueAsync(() => system.Redis.HashGetAsync(queue.Dead, taskId), l => !l.IsNull, Patience, "the dead letter");
        var dead = JsonSerializer.Deserialize((string)letter!, TaskQueueJsonContext.Default.DeadLetter)!;

        Assert.Equal("no_text", dead.Category);
        Assert.Contains("2 of 2 are scanned images", dead.Message, StringComparison.Ordinal);
        Assert.Contains("OCR is off", dead.Message, StringComparison.Ordinal);
        Assert.Null(await system.Pipeline.ResultAsync(taskId));
    }

    private async Task<string> DeliveredTextAsync(string prefix, byte[] pdf)
    {
        var taskId = await system.Pipeline.SubmitAsync(prefix, pdf);
        await system.Pipeline.WaitForResultsAsync([taskId], Patience);
        var result = (await system.Pipeline.ResultAsync(taskId))!;
        Assert.Equal(["PAGE_TEXT_SOURCE_TEXT_LAYER"], result.PageSources);
        return result.PageTexts.Single();
    }
}

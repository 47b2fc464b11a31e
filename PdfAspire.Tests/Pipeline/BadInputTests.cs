using System.Security.Cryptography;
using System.Text;
using PdfAspire.TaskQueue;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Pipeline;

/// <summary>Each row of DESIGN.md's bad-input table ends in its dead-letter category, with the payload kept.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class BadInputTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> Documents => new()
    {
        { "encrypted", "encrypted" },
        { "not_pdf", "not_pdf" },
        { "empty", "not_pdf" },
        { "garbage_after_header", "corrupt" },
        { "over_size_limit", "too_large" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task BadDocument_BecomesADeadLetter_InItsCategory(string kind, string category)
    {
        var taskId = await system.Pipeline.SubmitAsync(kind, Make(kind), $"{kind}.pdf");

        var letter = await system.Pipeline.WaitForDeadLetterAsync(taskId, Patience);

        Assert.Equal(category, letter.Category);
        Assert.False(string.IsNullOrWhiteSpace(letter.Message));
        // Permanent failures are not retried.
        Assert.Equal(1, letter.Attempts);
        Assert.Contains(taskId, letter.Payload, StringComparison.Ordinal);
        Assert.Null(await system.Pipeline.ResultAsync(taskId));
    }

    [Fact]
    public async Task MissingObject_BecomesObjectNotFound()
    {
        var taskId = PipelineDriver.NewTaskId("missing");
        await system.Pipeline.EnqueueAsync(new UploadTask { TaskId = taskId, ObjectKey = $"missing/{taskId}.pdf" });

        var letter = await system.Pipeline.WaitForDeadLetterAsync(taskId, Patience);

        Assert.Equal("object_not_found", letter.Category);
        Assert.Contains($"missing/{taskId}.pdf", letter.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"task_id\": \"cut-off")]
    [InlineData("{\"task_id\": \"no-object-key\"}")]
    [InlineData("[1, 2, 3]")]
    public async Task MalformedTask_BecomesADeadLetter_WithTheRawPayloadKept(string prefix)
    {
        // A unique suffix keeps each run's payload (and so its letter) apart.
        var payload = prefix + new string(' ', RandomNumberGenerator.GetInt32(1, 64)) + "\u0020";
        var letterId = UploadTaskParser.MalformedId(System.Text.Encoding.UTF8.GetBytes(payload));
        await system.Redis.HashDeleteAsync(system.Pipeline.Keys.Dead, letterId);
        await system.Pipeline.EnqueueRawAsync(payload);

        var letter = await system.Pipeline.WaitForDeadLetterAsync(letterId, Patience);

        Assert.Equal("malformed_task", letter.Category);
        Assert.Equal(payload, letter.Payload);
    }

    [Fact]
    public async Task DocumentWhoseAttemptsAllEndedInACrash_BecomesParserCrash_InsteadOfLoopingForever()
    {
        var taskId = await SubmitAfterCrashesAsync(crashedAttempts: 3);

        var letter = await system.Pipeline.WaitForDeadLetterAsync(taskId, Patience);

        Assert.Equal("parser_crash", letter.Category);
        Assert.Equal(4, letter.Attempts);
        Assert.Null(await system.Pipeline.ResultAsync(taskId));
    }

    [Fact]
    public async Task DamagedButReadablePdf_ReachesIngest_WithItsReadablePages()
    {
        var original = Corpus.Generated("first page", "second page", "third page");
        // Dropping the cross-reference table and trailer: lenient parsing rebuilds them by scanning the objects.
        var text = Encoding.Latin1.GetString(original);
        var damaged = Encoding.Latin1.GetBytes(text[..text.LastIndexOf("xref", StringComparison.Ordinal)]);

        var taskId = await system.Pipeline.SubmitAsync("damaged", damaged);
        var results = await system.Pipeline.WaitForResultsAsync([taskId], Patience);

        Assert.Equal(3, results[taskId].PageCount);
        var stored = await system.Pipeline.ResultAsync(taskId);
        Assert.Contains("third page", stored!.PageTexts[2], StringComparison.Ordinal);
    }

    /// <summary>Queues a valid task whose history says the worker already died during <paramref name="crashedAttempts"/> attempts.</summary>
    private async Task<string> SubmitAfterCrashesAsync(int crashedAttempts)
    {
        var taskId = PipelineDriver.NewTaskId("crashed");
        var key = $"crashed/{taskId}.pdf";
        await system.Pipeline.UploadAsync(key, Corpus.Generated("fine, but the worker died three times"));
        await system.Redis.HashSetAsync(system.Pipeline.Keys.Task(taskId), TaskRecordFields.Attempts, crashedAttempts);
        await system.Pipeline.EnqueueAsync(new UploadTask { TaskId = taskId, ObjectKey = key });
        return taskId;
    }

    private static byte[] Make(string kind) => kind switch
    {
        "encrypted" => Corpus.Qpdf(Corpus.Generated("secret"), "--encrypt", "user-password", "owner-password", "256", "--"),
        "not_pdf" => Encoding.UTF8.GetBytes("name,amount\nalice,3\n"),
        "empty" => [],
        "garbage_after_header" => [.. "%PDF-1.7\n"u8.ToArray(), .. RandomNumberGenerator.GetBytes(4096)],
        "over_size_limit" => [.. "%PDF-1.4\n"u8.ToArray(), .. new byte[(16 << 20) + 1]],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

using System.Globalization;
using System.Text.Json;
using Amazon.S3.Model;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using PdfAspire.Worker.V1;

namespace PdfAspire.Tests.Security;

/// <summary>
/// What an outside probe sent the worker, sent again through the real worker, Redis, s3rver and ingest: each is refused
/// with a reason, and nothing reaches past what it names.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class HostileRequestTests(AppHostFixture system)
{
    private const string OtherBucket = "secret-bucket";
    private const string SecretWords = "payroll confidential";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> Escapes => new()
    {
        { "", "../secret-bucket/secret.pdf" },
        { "", "probe/../../secret-bucket/secret.pdf" },
        { " ", "../secret-bucket/secret.pdf" },
        { "", "/secret-bucket/secret.pdf" },
        { "", "probe/./../secret-bucket/secret.pdf" },
        { "", "probe\n2026-12-01 INFO forged log line" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task ProcessDocument_RefusesAKeyThatLeavesItsBucket(string bucket, string key)
    {
        await PutSecretAsync();
        using var channel = GrpcChannel.ForAddress(system.Endpoint("pdf-processor-worker", "grpc"));
        var client = new WorkerService.WorkerServiceClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ProcessDocumentAsync(new ProcessDocumentRequest
        {
            Object = new PdfAspire.Ingest.V1.ObjectLocation { Bucket = bucket, ObjectKey = key },
        }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.DoesNotContain(SecretWords, refused.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task QueuedTask_WithAKeyThatLeavesItsBucket_IsAMalformedTask_AndNothingReachesIngest(string bucket, string key)
    {
        await PutSecretAsync();
        var taskId = PipelineDriver.NewTaskId("escape");

        await system.Pipeline.EnqueueAsync(new UploadTask { TaskId = taskId, Bucket = bucket.Length > 0 ? bucket : null, ObjectKey = key });
        var letter = await system.Pipeline.WaitForDeadLetterAsync(UploadTaskParser.MalformedId(RawPayload(taskId, bucket, key)), Patience);

        Assert.Equal("malformed_task", letter.Category);
        Assert.Matches("object_key|bucket", letter.Message);
        Assert.Null(await system.Pipeline.ResultAsync(taskId));
    }

    [Fact]
    public async Task QueuedTask_NamingABucketTheWorkerDoesNotServe_IsRefused()
    {
        await PutSecretAsync();
        var taskId = PipelineDriver.NewTaskId("other-bucket");

        await system.Pipeline.EnqueueAsync(new UploadTask { TaskId = taskId, Bucket = OtherBucket, ObjectKey = "secret.pdf" });
        var letter = await system.Pipeline.WaitForDeadLetterAsync(UploadTaskParser.MalformedId(RawPayload(taskId, OtherBucket, "secret.pdf")), Patience);

        Assert.Equal("malformed_task", letter.Category);
        Assert.Contains("not one this worker serves", letter.Message, StringComparison.Ordinal);
        Assert.Null(await system.Pipeline.ResultAsync(taskId));
    }

    /// <summary>
    /// A task id with the key separator reached another task's events list (WRONGTYPE, forever in flight); one with
    /// the worker's own prefix could overwrite an existing dead letter. Both are refused as malformed now, and the
    /// letter they would have overwritten is untouched.
    /// </summary>
    [Fact]
    public async Task TaskId_ThatCouldNameADerivedKeyOrAReservedId_IsRefused()
    {
        var victim = await system.Pipeline.SubmitAsync("victim", Corpus.Generated("a real document"));
        await system.Pipeline.WaitForResultsAsync([victim], Patience);
        var existingLetter = UploadTaskParser.MalformedId("not json at all"u8);
        await system.Pipeline.EnqueueRawAsync("not json at all");
        var before = await system.Pipeline.WaitForDeadLetterAsync(existingLetter, Patience);

        foreach (var hostileId in new[] { $"{victim}:events", existingLetter, "derived-0123456789abcdef0123456789abcdef" })
        {
            var payload = $$"""{"task_id":"{{hostileId}}","object_key":"x.pdf","file_name":"overwritten.pdf"}""";
            await system.Pipeline.EnqueueRawAsync(payload);
            var letter = await system.Pipeline.WaitForDeadLetterAsync(UploadTaskParser.MalformedId(System.Text.Encoding.UTF8.GetBytes(payload)), Patience);

            Assert.Equal("malformed_task", letter.Category);
            Assert.Contains("task_id", letter.Message, StringComparison.Ordinal);
        }
        Assert.Equal(before.Payload, (await system.Pipeline.DeadLetterAsync(existingLetter))!.Payload);
        // Nothing was written under the victim's timeline key (delivered at its first attempt, it keeps none), and
        // its own record is intact.
        Assert.Equal(StackExchange.Redis.RedisType.None, await system.Redis.KeyTypeAsync(system.Pipeline.Keys.TaskEvents(victim)));
        await system.Pipeline.WaitForStatusAsync(victim, TaskStatuses.Done, Patience);
    }

    [Fact]
    public async Task FileName_WithADirectionOverride_IsRefused()
    {
        var taskId = PipelineDriver.NewTaskId("rlo");
        var fileName = "invoice\u202Efdp.exe";

        await system.Pipeline.EnqueueAsync(new UploadTask { TaskId = taskId, ObjectKey = "x.pdf", FileName = fileName });
        var letter = await system.Pipeline.WaitForDeadLetterAsync(UploadTaskParser.MalformedId(RawPayload(taskId, "", "x.pdf", fileName)), Patience);

        Assert.Contains("U+202E", letter.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A task id is an idempotency key. A second task under the id of a delivered one, naming another document, used to
    /// rewrite that task's record (object key, metadata, attempts) and its search entries, while ingest kept the first
    /// result. Now it is a <c>task_id_conflict</c> letter of its own naming both sides, and the first task's record,
    /// search entries and result are untouched; the same task delivered again is still simply processed again.
    /// </summary>
    [Fact]
    public async Task ATaskIdInUse_NamingAnotherDocument_IsAConflictLetter_AndTheFirstTaskIsUntouched()
    {
        var taskId = PipelineDriver.NewTaskId("first");
        await system.Pipeline.UploadAsync($"conflict/{taskId}/first.pdf", Corpus.Generated("the first document"));
        await system.Pipeline.UploadAsync($"conflict/{taskId}/second.pdf", Corpus.Generated("a second document"));
        var first = new UploadTask { TaskId = taskId, ObjectKey = $"conflict/{taskId}/first.pdf", Metadata = new Dictionary<string, string> { ["tenant"] = "owner", ["region"] = "eu" } };
        await system.Pipeline.EnqueueAsync(first);
        await system.Pipeline.WaitForResultsAsync([taskId], Patience);
        var recordBefore = await RecordAsync(taskId);

        var intruder = $"intruder{Guid.NewGuid():N}"[..16];
        var second = JsonSerializer.Serialize(first with { ObjectKey = $"conflict/{taskId}/second.pdf", Metadata = new Dictionary<string, string> { ["tenant"] = intruder } },
            TaskQueueJsonContext.Default.UploadTask);
        await system.Pipeline.EnqueueRawAsync(second);
        var letter = await system.Pipeline.WaitForDeadLetterAsync(UploadTaskParser.ConflictId(System.Text.Encoding.UTF8.GetBytes(second)), Patience);

        Assert.Equal("task_id_conflict", letter.Category);
        Assert.Contains($"conflict/{taskId}/first.pdf", letter.Message, StringComparison.Ordinal);
        Assert.Contains($"conflict/{taskId}/second.pdf", letter.Message, StringComparison.Ordinal);
        Assert.Equal(second, letter.Payload);
        Assert.Equal(recordBefore, await RecordAsync(taskId));
        Assert.Empty(await system.Pipeline.Insights.SearchAsync(intruder));
        var stored = (await system.Pipeline.ResultAsync(taskId))!;
        Assert.Equal(1, stored.Deliveries);
        Assert.Contains("the first document", string.Join('\n', stored.PageTexts), StringComparison.Ordinal);

        // The same task again (a producer's retry, the metadata in another order) is a repeat delivery, not a conflict.
        await system.Pipeline.EnqueueAsync(first with { Metadata = new Dictionary<string, string> { ["region"] = "eu", ["tenant"] = "owner" } });
        await Eventually.TrueAsync(async () => (await system.Pipeline.ResultAsync(taskId))!.Deliveries == 2, Patience, "the repeat delivery");
        Assert.Equal(1, (await system.Pipeline.Administration.DeadLettersAsync()).Count(l => l.Message?.Contains(taskId, StringComparison.Ordinal) == true));
    }

    /// <summary>
    /// The admin's editor: a malformed letter edited into a task whose id is in use is refused, naming why; edited into
    /// an id of its own it is queued and delivered, and the letter's record says where it went instead of staying
    /// pending for ever.
    /// </summary>
    [Fact]
    public async Task EditingALetter_IntoAnIdInUse_IsRefused_AndIntoANewId_LeavesTheLetterMoved()
    {
        var existing = await system.Pipeline.SubmitAsync("in-use", Corpus.Generated("already delivered"));
        await system.Pipeline.WaitForResultsAsync([existing], Patience);
        var recordBefore = await RecordAsync(existing);
        var key = $"edit-conflict/{existing}.pdf";
        await system.Pipeline.UploadAsync(key, Corpus.Generated("the edited task's document"));
        var broken = $$"""{"task_id":"{{existing}}","object_key":"{{key}}","bucket":"Not A Bucket"}""";
        await system.Pipeline.EnqueueRawAsync(broken);
        var letterId = UploadTaskParser.MalformedId(System.Text.Encoding.UTF8.GetBytes(broken));
        await system.Pipeline.WaitForDeadLetterAsync(letterId, Patience);
        var buckets = ServedBuckets.Only(PipelineDriver.Bucket);

        var refused = await system.Pipeline.Administration.RetryEditedAsync(letterId, $$"""{"task_id":"{{existing}}","object_key":"{{key}}"}""", "operator", buckets);

        Assert.False(refused.IsQueued);
        Assert.Contains("already in use", refused.Error ?? "", StringComparison.Ordinal);
        Assert.NotNull(await system.Pipeline.DeadLetterAsync(letterId));
        Assert.Equal(recordBefore, await RecordAsync(existing));

        var fresh = PipelineDriver.NewTaskId("edited");
        var queued = await system.Pipeline.Administration.RetryEditedAsync(letterId, $$"""{"task_id":"{{fresh}}","object_key":"{{key}}"}""", "operator", buckets);
        Assert.True(queued.IsQueued, queued.Error);
        await system.Pipeline.WaitForResultsAsync([fresh], Patience);
        Assert.Equal(TaskStatuses.Moved, (string?)await system.Redis.HashGetAsync(system.Pipeline.Keys.Task(letterId), TaskRecordFields.Status));
        await system.Pipeline.WaitForStatusAsync(fresh, TaskStatuses.Done, Patience);
    }

    private async Task<Dictionary<string, string>> RecordAsync(string taskId) =>
        (await system.Pipeline.TaskRecordAsync(taskId)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);

    /// <summary>
    /// A newline or NUL in a metadata key went into the search index as it was (and, left out there, made two keys read
    /// the same); now such a key makes the task a malformed task. An '=' can't make two pairs look alike either:
    /// <c>{"p=q":"r"}</c> and <c>{"p":"q=r"}</c> were both indexed as <c>m:p=q=r</c>.
    /// </summary>
    [Fact]
    public async Task MetadataKey_WithAControlCharacter_IsRefused_AndAnEqualsSign_MakesNoTwoPairsAlike()
    {
        foreach (var key in new[] { @"tenant\n2026-12-01 INFO forged", @"tenant\u0000" })
        {
            var payload = $$$"""{"task_id":"{{{PipelineDriver.NewTaskId("control-key")}}}","object_key":"x.pdf","metadata":{"{{{key}}}":"x"}}""";
            await system.Pipeline.EnqueueRawAsync(payload);
            var letter = await system.Pipeline.WaitForDeadLetterAsync(UploadTaskParser.MalformedId(System.Text.Encoding.UTF8.GetBytes(payload)), Patience);

            Assert.Equal("malformed_task", letter.Category);
            Assert.Contains("metadata key", letter.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', letter.Message);
        }

        var p = $"p{Guid.NewGuid():N}"[..12];
        var keyWithEquals = await system.Pipeline.SubmitAsync("equals-key", Corpus.Generated("one"), t => t with { Metadata = new Dictionary<string, string> { [$"{p}=q"] = $"r{p}" } });
        var valueWithEquals = await system.Pipeline.SubmitAsync("equals-value", Corpus.Generated("two"), t => t with { Metadata = new Dictionary<string, string> { [p] = $"q=r{p}" } });
        await system.Pipeline.WaitForResultsAsync([keyWithEquals, valueWithEquals], Patience);

        // key=value splits at the first '=': the key p, the value q=r….
        Assert.Equal([valueWithEquals], (await system.Pipeline.Insights.SearchAsync($"{p}=q=r{p}")).Select(t => t.TaskId));
        // The other pair is found by its value.
        Assert.Equal([keyWithEquals], (await system.Pipeline.Insights.SearchAsync($"r{p}")).Select(t => t.TaskId));
    }

    /// <summary>Kestrel's own 30 MB body limit used to cut ProcessDocument off before MAX_DOCUMENT_BYTES (100 MiB) did.</summary>
    [Fact]
    public async Task ProcessDocument_TakesContentUpToMaxDocumentBytes_AndRefusesMore()
    {
        await using var worker = await WorkerProcess.StartAsync(system, "inline", new Dictionary<string, string?> { ["MAX_DOCUMENT_BYTES"] = null });
        using var channel = GrpcChannel.ForAddress(worker.GrpcAddress);
        var client = new WorkerService.WorkerServiceClient(channel);
        var ct = TestContext.Current.CancellationToken;

        // 40 MB that is not a PDF: refused for what it is, so it was read.
        var notPdf = await Assert.ThrowsAsync<RpcException>(() => client.ProcessDocumentAsync(
            new ProcessDocumentRequest { Content = UnsafeByteOperations.UnsafeWrap(new byte[40_000_000]) }, cancellationToken: ct).ResponseAsync);
        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => client.ProcessDocumentAsync(
            new ProcessDocumentRequest { Content = UnsafeByteOperations.UnsafeWrap(new byte[(100 << 20) + (2 << 20)]) }, cancellationToken: ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, notPdf.StatusCode);
        Assert.StartsWith("not_pdf:", notPdf.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
    }

    /// <summary>Locally the worker's unauthenticated gRPC port and its metrics bind loopback only, like everything else.</summary>
    [Fact]
    public async Task Worker_ListensOnLoopbackOnly_InLocalMode()
    {
        var pid = await system.ProcessIdAsync("pdf-processor-worker");

        var listening = ListeningSockets.Of(pid);

        Assert.Equal(2, listening.Count);
        Assert.All(listening, socket => Assert.True(System.Net.IPAddress.IsLoopback(socket.Address), $"the worker listens on {socket}"));
    }

    private async Task PutSecretAsync()
    {
        var s3 = system.Pipeline.S3;
        var ct = TestContext.Current.CancellationToken;
        if (!(await s3.ListBucketsAsync(ct)).Buckets.Exists(b => b.BucketName == OtherBucket))
        {
            await s3.PutBucketAsync(OtherBucket, ct);
        }
        using var body = new MemoryStream(Corpus.Generated(SecretWords));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = OtherBucket, Key = "secret.pdf", InputStream = body, UseChunkEncoding = false }, ct);
    }

    /// <summary>The bytes the driver queues for this task, as the worker sees them.</summary>
    private static byte[] RawPayload(string taskId, string bucket, string key, string? fileName = null) =>
        System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(
            new UploadTask { TaskId = taskId, Bucket = bucket.Length > 0 ? bucket : null, ObjectKey = key, FileName = fileName },
            TaskQueueJsonContext.Default.UploadTask));
}

/// <summary>The TCP sockets a process listens on, from /proc: its socket inodes matched against the kernel's tables.</summary>
public static class ListeningSockets
{
    /// <summary>Sockets of <paramref name="pid"/> and its descendants (Aspire starts a project through `dotnet`).</summary>
    public static IReadOnlyList<System.Net.IPEndPoint> Of(int pid)
    {
        var inodes = Tree(pid).SelectMany(p => Directory.EnumerateFileSystemEntries($"/proc/{p}/fd"))
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(target => target!["socket:[".Length..^1])
            .ToHashSet(StringComparer.Ordinal);
        return [.. Read("/proc/net/tcp", inodes), .. Read("/proc/net/tcp6", inodes)];
    }

    private static IEnumerable<int> Tree(int pid) => ProcFs.Children(pid).SelectMany(Tree).Prepend(pid);

    private static IEnumerable<System.Net.IPEndPoint> Read(string table, HashSet<string> inodes)
    {
        const string Listen = "0A";
        foreach (var fields in File.ReadLines(table).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (fields[3] == Listen && inodes.Contains(fields[9]))
            {
                var (address, port) = (fields[1][..fields[1].IndexOf(':', StringComparison.Ordinal)], fields[1][(fields[1].IndexOf(':', StringComparison.Ordinal) + 1)..]);
                yield return new System.Net.IPEndPoint(Address(address), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The kernel writes addresses as 32-bit words in host (little-endian) order.</summary>
    private static System.Net.IPAddress Address(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }
        return new System.Net.IPAddress(bytes);
    }
}

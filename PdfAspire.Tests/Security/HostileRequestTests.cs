using System.Globalization;
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
        Assert.Equal(TaskStatuses.Done, (string?)await system.Redis.HashGetAsync(system.Pipeline.Keys.Task(victim), TaskRecordFields.Status));
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

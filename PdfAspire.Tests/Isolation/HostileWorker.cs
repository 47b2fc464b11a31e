using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Isolation;

/// <summary>
/// A worker of the hostile-document tests' own, on a queue of its own, with limits small enough that each hostile
/// document reaches them quickly: a 10 s deadline (the decompression bomb must reach the memory limit first, on a busy
/// machine too) and a 256 MiB extractor.
/// </summary>
public sealed class HostileWorker(AppHostFixture system) : IAsyncLifetime
{
    public const string Queue = "queue:hostile_test";
    public const int MemoryLimitMb = 256;

    public QueueKeys Keys { get; } = new(Queue);

    public WorkerProcess Worker { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Worker = await WorkerProcess.StartAsync(system, "hostile", new Dictionary<string, string?>
        {
            ["REDIS_QUEUE_NAME"] = Queue,
            ["WORKER_CONCURRENCY"] = "2",
            ["DOCUMENT_TIMEOUT_SECONDS"] = "10",
            ["MAX_ATTEMPTS"] = "2",
            ["EXTRACTOR_MEMORY_LIMIT_MB"] = $"{MemoryLimitMb}",
        });

    /// <summary>Queues <paramref name="content"/> and waits for its end: "done" once ingest has it, else the dead letter's category.</summary>
    public async Task<(string Outcome, DeadLetter? Letter)> ProcessAsync(string kind, byte[] content, TimeSpan timeout)
    {
        var taskId = PipelineDriver.NewTaskId(kind);
        var key = $"hostile/{taskId}.pdf";
        await system.Pipeline.UploadAsync(key, content);
        await system.Redis.ListLeftPushAsync(Keys.Pending, $$"""{"task_id":"{{taskId}}","object_key":"{{key}}","file_name":"{{kind}}.pdf"}""");
        return await Eventually.ValueAsync(async () =>
        {
            var letter = await system.Redis.HashGetAsync(Keys.Dead, taskId);
            if (!letter.IsNull)
            {
                var dead = System.Text.Json.JsonSerializer.Deserialize((string)letter!, TaskQueueJsonContext.Default.DeadLetter)!;
                return (dead.Category, dead);
            }
            var status = (string?)await system.Redis.HashGetAsync(Keys.Task(taskId), TaskRecordFields.Status);
            return (status == TaskStatuses.Done ? "done" : "", (DeadLetter?)null);
        }, r => r.Item1 != "", timeout, $"{kind} to end");
    }

    public async ValueTask DisposeAsync() => await Worker.DisposeAsync();
}

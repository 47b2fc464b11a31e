using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using PdfAspire.Admin.Security;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Uploads;

/// <summary>What became of one uploaded file.</summary>
public sealed record UploadOutcome(string FileName, bool Accepted, string Message, string? TaskId = null);

/// <summary>
/// Puts an operator's PDF in the bucket and queues its task, as any producer would. Refuses, with a message that says
/// why, what is empty, over the size limit or not a PDF, before anything is stored.
/// </summary>
public sealed partial class DocumentUploader(
    IAmazonS3 s3, QueueAdministration queue, ServedBuckets buckets, IOptions<StorageOptions> storage, IOptions<AdminOptions> options, TimeProvider clock)
{
    private const int HeaderWindow = 1024;
    private const int ChunkBytes = 256 * 1024;

    public long MaxBytes => options.Value.MaxUploadBytes;

    /// <summary>Checks what the browser says of the file before any byte is sent.</summary>
    public string? RefusalBeforeReading(string fileName, long size) => size switch
    {
        0 => $"{fileName} is empty.",
        _ when size > MaxBytes => $"{fileName} is {Megabytes(size)}; the limit is {Megabytes(MaxBytes)}.",
        _ => null,
    };

    /// <summary>Stores the PDF and queues its task into <paramref name="lane"/> (the default lane when null).</summary>
    public async Task<UploadOutcome> UploadAsync(string fileName, long size, Stream content, string queuedBy, IProgress<double> progress, CancellationToken ct,
        string? lane = null)
    {
        if (RefusalBeforeReading(fileName, size) is { } refusal)
        {
            return new UploadOutcome(fileName, false, refusal);
        }
        using var buffer = new MemoryStream((int)Math.Min(size, MaxBytes));
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return new UploadOutcome(fileName, false, $"{fileName} is over the limit of {Megabytes(MaxBytes)}.");
            }
            buffer.Write(chunk, 0, read);
            progress.Report((double)buffer.Length / size);
        }
        if (buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, HeaderWindow)).IndexOf("%PDF-"u8) < 0)
        {
            return new UploadOutcome(fileName, false, $"{fileName} is not a PDF (it has no %PDF- header).");
        }

        var taskId = Guid.NewGuid().ToString("N");
        var now = clock.GetUtcNow();
        var key = $"uploads/{now:yyyy/MM/dd}/{taskId}/{SafeName(fileName)}";
        buffer.Position = 0;
        // Plain signing (no chunked payload): some S3-compatible servers store chunk-signed bodies verbatim.
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = storage.Value.Bucket,
            Key = key,
            InputStream = buffer,
            ContentType = "application/pdf",
            UseChunkEncoding = false,
        }, ct);
        // Through the parser every producer's task meets, so what the admin queues is a task a worker accepts.
        var payload = JsonSerializer.Serialize(new UploadTask
        {
            TaskId = taskId,
            Bucket = storage.Value.Bucket,
            ObjectKey = key,
            // The browser's name, minus characters the queue refuses (controls, direction overrides).
            FileName = TaskFieldRules.CleanFileName(fileName) is { Length: > 0 } clean ? clean : SafeName(fileName),
            SubmittedAt = now,
            Traceparent = Activity.Current?.Id,
        }, TaskQueueJsonContext.Default.UploadTask);
        if (!UploadTaskParser.TryParse(payload, buckets, out var task, out var error))
        {
            return new UploadOutcome(fileName, false, $"{fileName} could not be queued: {error}");
        }
        if (!await queue.EnqueueAsync(task, queuedBy, lane))
        {
            // Queued on the master, but no replica confirmed it: a failover in the next moment could still lose it.
            return new UploadOutcome(fileName, true,
                $"{fileName} queued, but no Redis replica confirmed it within a second; if its task page shows nothing soon, upload it again.", taskId);
        }
        return new UploadOutcome(fileName, true, $"{fileName} queued.", taskId);
    }

    public static string Megabytes(long bytes) => bytes < 1 << 20 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / 1048576.0:0.#} MB";

    /// <summary>Object keys keep letters, digits, dot, dash and underscore; the original name stays in the task.</summary>
    public static string SafeName(string fileName)
    {
        var name = UnsafeCharacters().Replace(Path.GetFileName(fileName), "_");
        return name.Length is 0 ? "document.pdf" : name[..Math.Min(name.Length, 150)];
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeCharacters();
}

using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Options;
using Microsoft.IO;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;

namespace PdfAspire.Worker.Storage;

/// <summary>
/// Reads a PDF from the object store, or from bytes a caller sent, into pooled memory: stops at the size limit
/// while reading (a lying Content-Length cannot get past it) and hashes as it goes.
/// </summary>
public sealed class DocumentReader(IAmazonS3 s3, RecyclableMemoryStreamManager memory, IOptions<ProcessingOptions> options)
{
    private const int BufferSize = 81_920;

    public async Task<DownloadedDocument> DownloadAsync(string bucket, string key, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, ct);
            var limit = options.Value.MaxDocumentBytes;
            if (response.ContentLength > limit)
            {
                throw TooLarge(response.ContentLength, limit);
            }
            await using var body = response.ResponseStream;
            return await ReadAsync(body, response.ContentLength, started, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new TaskFailedException(FailureCategory.ObjectNotFound, $"s3://{bucket}/{key} does not exist ({e.ErrorCode})");
        }
        catch (AmazonS3Exception e)
        {
            throw new TaskFailedException(FailureCategory.StorageUnavailable, $"object store answered {(int)e.StatusCode} {e.ErrorCode}", e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            throw new TaskFailedException(FailureCategory.StorageUnavailable, $"object store unreachable: {e.GetType().Name}", e);
        }
    }

    /// <summary>For ProcessDocument callers that send the bytes themselves.</summary>
    public DownloadedDocument FromBytes(ReadOnlySpan<byte> bytes)
    {
        var limit = options.Value.MaxDocumentBytes;
        if (bytes.Length > limit)
        {
            throw TooLarge(bytes.Length, limit);
        }
        var stream = (RecyclableMemoryStream)memory.GetStream("process-document", bytes);
        return new DownloadedDocument(stream, Convert.ToHexStringLower(SHA256.HashData(bytes)), TimeSpan.Zero);
    }

    /// <summary>
    /// With a Content-Length the document goes straight into one pooled buffer of that size (the extractor needs it
    /// contiguous) instead of into blocks copied into one at the end; a body longer than announced still grows the
    /// stream, up to the limit.
    /// </summary>
    private async Task<DownloadedDocument> ReadAsync(Stream body, long announcedLength, long started, CancellationToken ct)
    {
        var limit = options.Value.MaxDocumentBytes;
        var content = announcedLength > 0
            ? (RecyclableMemoryStream)memory.GetStream("download", announcedLength, asContiguousBuffer: true)
            : (RecyclableMemoryStream)memory.GetStream("download");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                if (content.Length + read > limit)
                {
                    throw TooLarge(content.Length + read, limit, atLeast: true);
                }
                hash.AppendData(buffer, 0, read);
                content.Write(buffer, 0, read);
            }
            return new DownloadedDocument(content, Convert.ToHexStringLower(hash.GetHashAndReset()), Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TaskFailedException TooLarge(long size, long limit, bool atLeast = false) =>
        new(FailureCategory.TooLarge, $"document is {(atLeast ? "over " : "")}{size:N0} bytes; the limit (MAX_DOCUMENT_BYTES) is {limit:N0}");
}

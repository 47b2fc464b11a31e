using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
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
            var limit = options.Value.MaxDocumentBytes;
            using var response = await s3.GetObjectAsync(WholeUpTo(bucket, key, limit), ct);
            var size = ObjectSize(response);
            if (size == 0)
            {
                // s3rver answers the range of an empty object with a byte it never sends (S3 and MinIO answer 416).
                return await ReadAsync(Stream.Null, 0, started, ct);
            }
            if (response.ContentLength > limit)
            {
                throw TooLarge(size ?? response.ContentLength, limit, atLeast: size is null);
            }
            await using var body = response.ResponseStream;
            return await ReadAsync(body, response.ContentLength, started, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // Only an empty object has no first byte: it is read as what it is, a document of no bytes.
            return await ReadAsync(Stream.Null, 0, started, ct);
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

    /// <summary>
    /// The object from its first byte to one past <paramref name="limit"/>: all of any object the worker may read, and
    /// no more of one it may not. Asked for as a range, the body is not hashed by the SDK: for a whole object it
    /// computes the body's MD5 in managed code to compare with the ETag whatever ResponseChecksumValidation says (the
    /// client asks for response checks only when required), and that cost a fifth of the worker's CPU a page.
    /// </summary>
    private static GetObjectRequest WholeUpTo(string bucket, string key, long limit) =>
        new() { BucketName = bucket, Key = key, ByteRange = new ByteRange(0, limit) };

    /// <summary>The whole object's size from a ranged answer's Content-Range ("bytes 0-N/SIZE"); null when it does not say.</summary>
    private static long? ObjectSize(GetObjectResponse response) =>
        response.ContentRange is { } range && long.TryParse(range[(range.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture, out var size)
            ? size
            : null;

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

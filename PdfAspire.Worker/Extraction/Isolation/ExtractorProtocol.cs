using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>How an extraction ended inside the extractor process.</summary>
public enum ExtractionOutcome
{
    Extracted,

    /// <summary>The document failed for a reason with a category (not a PDF, encrypted, corrupt, too many pages…).</summary>
    Failed,

    /// <summary>The document needed more than the process's memory limit; the process exits after replying.</summary>
    OutOfMemory,
}

public sealed record ExtractorReply(ExtractionOutcome Outcome, ExtractedRange? Range = null, string? Category = null, string? Message = null);

/// <summary>
/// One request: the pages <see cref="Range"/> of document <see cref="Document"/> (an id the worker gives each document),
/// whose <see cref="PdfLength"/> bytes follow when <see cref="HasDocument"/>; without them the extractor holds that
/// document from an earlier range. The extractor keeps the document open after replying unless <see cref="Release"/> says no more ranges of it
/// will come to this extractor, or the range reached its last page.
/// </summary>
public readonly record struct ExtractorRequest(long Document, PageRange Range, bool Release, bool HasDocument, int PdfLength);

[JsonSerializable(typeof(ExtractorReply))]
[JsonSerializable(typeof(ExtractionSettings))]
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
internal sealed partial class ExtractorJson : JsonSerializerContext;

/// <summary>
/// The worker ↔ extractor protocol over the child's stdin and stdout, one exchange at a time.
/// Request: int64 document id, int32 first page, int32 last page, one byte of flags (1: release the document after
/// this range; 2: the document's bytes follow, none when the extractor holds it already), int32 length, then that
/// many bytes of PDF.
/// Reply: int32 length, the <see cref="ExtractorReply"/> as UTF-8 JSON. Integers are little-endian. The
/// <see cref="ExtractionSettings"/> are the process's for its life, given as JSON on its command line.
/// </summary>
public static class ExtractorProtocol
{
    private const int RequestHeaderBytes = 8 + 4 + 4 + 1 + 4;
    private const byte ReleaseFlag = 1;
    private const byte DocumentFlag = 2;

    public static string SettingsArgument(ExtractionSettings settings) => JsonSerializer.Serialize(settings, ExtractorJson.Default.ExtractionSettings);

    public static ExtractionSettings ReadSettingsArgument(string json) =>
        JsonSerializer.Deserialize(json, ExtractorJson.Default.ExtractionSettings) ?? throw new ArgumentException("no extraction settings");

    /// <summary>Writes one request; <paramref name="pdf"/> is null when the extractor holds the document already.</summary>
    public static async Task WriteRequestAsync(Stream stream, long document, PageRange range, bool release, ReadOnlyMemory<byte>? pdf, CancellationToken ct)
    {
        var header = new byte[RequestHeaderBytes];
        BinaryPrimitives.WriteInt64LittleEndian(header, document);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), range.First);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), range.Last);
        header[16] = (byte)((release ? ReleaseFlag : 0) | (pdf is null ? 0 : DocumentFlag));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(17), pdf?.Length ?? 0);
        await stream.WriteAsync(header, ct);
        if (pdf is { IsEmpty: false } bytes)
        {
            await stream.WriteAsync(bytes, ct);
        }
        await stream.FlushAsync(ct);
    }

    /// <summary>Reads the next request's header; false when the worker closed the pipe.</summary>
    public static bool TryReadRequest(Stream stream, out ExtractorRequest request)
    {
        Span<byte> header = stackalloc byte[RequestHeaderBytes];
        request = default;
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            return false;
        }
        var range = new PageRange(BinaryPrimitives.ReadInt32LittleEndian(header[8..]), BinaryPrimitives.ReadInt32LittleEndian(header[12..]));
        request = new ExtractorRequest(BinaryPrimitives.ReadInt64LittleEndian(header), range, (header[16] & ReleaseFlag) != 0,
            (header[16] & DocumentFlag) != 0, BinaryPrimitives.ReadInt32LittleEndian(header[17..]));
        return true;
    }

    /// <summary>Reads the request's PDF bytes into <paramref name="buffer"/>, grown as needed.</summary>
    public static void ReadDocument(Stream stream, ExtractorRequest request, ref byte[] buffer)
    {
        if (buffer.Length < request.PdfLength)
        {
            buffer = new byte[request.PdfLength];
        }
        stream.ReadExactly(buffer, 0, request.PdfLength);
    }

    public static void WriteReply(Stream stream, ExtractorReply reply)
    {
        var json = new ArrayBufferWriter<byte>(64 << 10);
        using (var writer = new Utf8JsonWriter(json))
        {
            JsonSerializer.Serialize(writer, reply, ExtractorJson.Default.ExtractorReply);
        }
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, json.WrittenCount);
        stream.Write(header);
        stream.Write(json.WrittenSpan);
        stream.Flush();
    }

    /// <summary>Reads one reply and its length in bytes; null when the process died before writing a whole one.</summary>
    /// <exception cref="ReplyTooLargeException">The reply is longer than <paramref name="maxBytes"/>.</exception>
    public static async Task<(ExtractorReply Reply, int Bytes)?> ReadReplyAsync(Stream stream, int maxBytes, CancellationToken ct)
    {
        var header = new byte[4];
        if (await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct) < header.Length)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > maxBytes)
        {
            throw new ReplyTooLargeException(length);
        }
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (await stream.ReadAtLeastAsync(body.AsMemory(0, length), length, throwOnEndOfStream: false, ct) < length)
            {
                return null;
            }
            var reply = JsonSerializer.Deserialize(body.AsSpan(0, length), ExtractorJson.Default.ExtractorReply);
            return reply is null ? null : (reply, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}

public sealed class ReplyTooLargeException(int length) : Exception($"the extracted text is {length:N0} bytes")
{
    public int Length { get; } = length;
}

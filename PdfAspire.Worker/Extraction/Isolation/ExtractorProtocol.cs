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

public sealed record ExtractorReply(ExtractionOutcome Outcome, ExtractedPdf? Pdf = null, string? Category = null, string? Message = null);

[JsonSerializable(typeof(ExtractorReply))]
[JsonSerializable(typeof(ExtractionSettings))]
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
internal sealed partial class ExtractorJson : JsonSerializerContext;

/// <summary>
/// The worker ↔ extractor protocol over the child's stdin and stdout, one exchange at a time.
/// Request: int32 length, the PDF's bytes. Reply: int32 length, the <see cref="ExtractorReply"/> as UTF-8 JSON.
/// Integers are little-endian. The <see cref="ExtractionSettings"/> are the process's for its life, given as JSON on
/// its command line.
/// </summary>
public static class ExtractorProtocol
{
    public static string SettingsArgument(ExtractionSettings settings) => JsonSerializer.Serialize(settings, ExtractorJson.Default.ExtractionSettings);

    public static ExtractionSettings ReadSettingsArgument(string json) =>
        JsonSerializer.Deserialize(json, ExtractorJson.Default.ExtractionSettings) ?? throw new ArgumentException("no extraction settings");

    public static async Task WriteRequestAsync(Stream stream, ReadOnlyMemory<byte> pdf, CancellationToken ct)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, pdf.Length);
        await stream.WriteAsync(header, ct);
        await stream.WriteAsync(pdf, ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Reads one request into <paramref name="buffer"/> (grown as needed); false when the worker closed the pipe.</summary>
    public static bool TryReadRequest(Stream stream, ref byte[] buffer, out int length)
    {
        Span<byte> header = stackalloc byte[4];
        length = 0;
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            return false;
        }
        length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }
        stream.ReadExactly(buffer, 0, length);
        return true;
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

    /// <summary>Reads one reply; null when the process died before writing a whole one.</summary>
    /// <exception cref="ReplyTooLargeException">The reply is longer than <paramref name="maxBytes"/>.</exception>
    public static async Task<ExtractorReply?> ReadReplyAsync(Stream stream, int maxBytes, CancellationToken ct)
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
            return JsonSerializer.Deserialize(body.AsSpan(0, length), ExtractorJson.Default.ExtractorReply);
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

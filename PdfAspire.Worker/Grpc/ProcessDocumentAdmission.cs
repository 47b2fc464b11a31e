using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PdfAspire.Worker.Configuration;

namespace PdfAspire.Worker.Grpc;

/// <summary>
/// Admission control for ProcessDocument, decided from the gRPC message header (a flag byte and the message's
/// length) before any of the message is read. A request over the size limit is refused at once; so is one that
/// would take the calls or the request bytes in flight past PROCESS_DOCUMENT_MAX_CALLS / PROCESS_DOCUMENT_MAX_BYTES,
/// with a retry hint (<c>grpc-retry-pushback-ms</c>, gRPC's retry pushback). Either way the stream is reset so the
/// caller stops sending. Without this, each waiting call held its whole request in memory (12 calls of 94 MB took a
/// worker to 4.5 GB), and an oversized one that said its length up front got no useful status (Kestrel failed its
/// first read: gRPC UNKNOWN).
/// </summary>
public sealed partial class ProcessDocumentAdmission : IMiddleware
{
    public const string Method = "/pdfaspire.worker.v1.WorkerService/ProcessDocument";

    /// <summary>What a busy worker asks callers to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private const int HeaderBytes = 5;

    /// <summary>Requests this large are worth a full, compacting collection once none is in flight.</summary>
    private const long GiveBackAfterBytes = 16 << 20;

    private static readonly TimeSpan GiveBackDelay = TimeSpan.FromSeconds(1);
    private const string TooLarge = "too_large";
    private const string Busy = "busy";

    private readonly IOptions<ProcessingOptions> _options;
    private readonly ILogger<ProcessDocumentAdmission> _logger;
    private readonly Counter<long> _refused;
    private readonly Lock _gate = new();
    private int _calls;
    private long _bytes;

    public ProcessDocumentAdmission(IOptions<ProcessingOptions> options, IMeterFactory meters, ILogger<ProcessDocumentAdmission> logger)
    {
        _options = options;
        _logger = logger;
        var meter = meters.Create(PdfAspireTelemetry.Name);
        meter.CreateObservableGauge("pdf_process_document_calls_in_flight", () => InFlight.Calls,
            description: "ProcessDocument calls admitted and not yet answered.");
        meter.CreateObservableGauge("pdf_process_document_in_flight", () => InFlight.Bytes, unit: "By",
            description: "Request bytes the admitted ProcessDocument calls announced.");
        _refused = meter.CreateCounter<long>("pdf_process_document_refused",
            description: "ProcessDocument calls refused before they were read, by reason (too_large, busy).");
        foreach (var reason in new[] { TooLarge, Busy })
        {
            // Every series from the start, as the worker's other counters: alerts see 0 before the first refusal.
            _refused.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    private (int Calls, long Bytes) InFlight
    {
        get
        {
            lock (_gate)
            {
                return (_calls, _bytes);
            }
        }
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.Equals(Method, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var limits = _options.Value;
        if (context.Request.ContentLength is { } declared && declared - HeaderBytes > limits.MaxRequestBytes)
        {
            // Said up front (curl does): Kestrel would fail the first read of a body over its limit with no gRPC status.
            await RefuseTooLargeAsync(context, declared - HeaderBytes, limits);
            return;
        }
        var body = context.Request.BodyReader;
        var read = await body.ReadAtLeastAsync(HeaderBytes, context.RequestAborted);
        if (read.Buffer.Length < HeaderBytes)
        {
            // Not a whole gRPC message header: gRPC itself says what is wrong.
            body.AdvanceTo(read.Buffer.Start);
            await next(context);
            return;
        }
        Span<byte> header = stackalloc byte[HeaderBytes];
        read.Buffer.Slice(0, HeaderBytes).CopyTo(header);
        // Nothing consumed: gRPC reads the message from its start.
        body.AdvanceTo(read.Buffer.Start);
        var length = (long)BinaryPrimitives.ReadUInt32BigEndian(header[1..]);

        if (length > limits.MaxRequestBytes)
        {
            await RefuseTooLargeAsync(context, length, limits);
            return;
        }
        if (!TryAdmit(length, limits, out var busy))
        {
            LogRefused(length, busy);
            _refused.Add(1, new KeyValuePair<string, object?>("reason", Busy));
            await RefuseAsync(context, $"busy: {busy}; retry in {RetryAfter.TotalSeconds:0} s or call another worker", RetryAfter);
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            if (Release(length) == 0 && length >= GiveBackAfterBytes)
            {
                _ = GiveMemoryBackAsync();
            }
        }
    }

    private bool TryAdmit(long length, ProcessingOptions limits, out string busy)
    {
        lock (_gate)
        {
            busy = _calls >= limits.ProcessDocumentMaxCalls
                ? $"{_calls} ProcessDocument calls in flight (PROCESS_DOCUMENT_MAX_CALLS {limits.ProcessDocumentMaxCalls})"
                : _bytes + length > limits.ProcessDocumentBytesInFlight
                    ? $"{_bytes:N0} request bytes in flight and {length:N0} more asked (PROCESS_DOCUMENT_MAX_BYTES {limits.ProcessDocumentBytesInFlight:N0})"
                    : "";
            if (busy.Length > 0)
            {
                return false;
            }
            _calls++;
            _bytes += length;
            return true;
        }
    }

    /// <summary>
    /// The GC keeps a large request's buffers (and their copies) committed for the next one: a worker that served a few
    /// big calls would hold their peak for good. Once the last has let go of its request (a moment after its answer),
    /// and no other call has come in, a full compacting collection hands the memory back to the system.
    /// </summary>
    private async Task GiveMemoryBackAsync()
    {
        await Task.Delay(GiveBackDelay);
        if (InFlight.Calls == 0)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>Returns the calls still in flight.</summary>
    private int Release(long length)
    {
        lock (_gate)
        {
            _bytes -= length;
            return --_calls;
        }
    }

    private Task RefuseTooLargeAsync(HttpContext context, long length, ProcessingOptions limits)
    {
        LogRefused(length, "over the size limit");
        _refused.Add(1, new KeyValuePair<string, object?>("reason", TooLarge));
        // No retry hint: trying again will not make it fit.
        return RefuseAsync(context,
            $"too_large: the request is {length:N0} bytes; the limit is {limits.MaxRequestBytes:N0} (MAX_DOCUMENT_BYTES and the message envelope)", retryAfter: null);
    }

    /// <summary>
    /// A trailers-only gRPC answer (the status in the response headers, no message), then RST_STREAM NO_ERROR: the
    /// caller has its answer and stops sending the rest of its request.
    /// </summary>
    private static async Task RefuseAsync(HttpContext context, string message, TimeSpan? retryAfter)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        if (retryAfter is { } wait)
        {
            response.Headers["grpc-retry-pushback-ms"] = ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
        await response.CompleteAsync();
        context.Features.Get<IHttpResetFeature>()?.Reset(errorCode: 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ProcessDocument of {Bytes} bytes refused: {Reason}")]
    private partial void LogRefused(long bytes, string reason);
}

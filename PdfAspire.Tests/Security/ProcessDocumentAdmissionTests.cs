using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using PdfAspire.Worker.V1;

namespace PdfAspire.Tests.Security;

/// <summary>
/// ProcessDocument's admission control, on a real worker, with requests made by hand over HTTP/2 as any gRPC client
/// sends them: the message header announces the size, the bytes follow. An outside probe found that each call held
/// its whole request while it waited for an extractor (12 calls of 94 MB took the worker to 4.6 GB), and that a
/// request over the size limit was answered only 30–45 s after it had been sent in full.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed class ProcessDocumentAdmissionTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string ProcessDocument = $"/{WorkerService.Descriptor.FullName}/ProcessDocument";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARequestOverTheSizeLimit_IsRefused_FromItsHeaderAlone(bool declaresLength)
    {
        await using var worker = await WorkerProcess.StartAsync(system, "oversize", new Dictionary<string, string?> { ["MAX_DOCUMENT_BYTES"] = null });
        using var http = Http2();
        // What the probe sent: 110,000,000 bytes, over the default 100 MiB. Only the first 64 KiB follow the header
        // until the answer comes: a worker that needed the rest would never answer, and the wait below would fail.
        await using var call = HeldCall.Start(http, worker.GrpcAddress, announced: 110_000_000, sent: 64 << 10, declaresLength);

        using var response = await call.Response.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal("8", Header(response, "grpc-status")); // RESOURCE_EXHAUSTED
        Assert.StartsWith("too_large: the request is 110,000,000 bytes", Uri.UnescapeDataString(Header(response, "grpc-message")), StringComparison.Ordinal);
        // Retrying will not make it fit: no retry hint.
        Assert.False(response.Headers.Contains("grpc-retry-pushback-ms"));
    }

    [Fact]
    public async Task CallsPastTheLimit_AreRefusedAtOnce_WithARetryHint_AndAdmittedOnceTheFirstIsDone()
    {
        await using var worker = await WorkerProcess.StartAsync(system, "admission", new Dictionary<string, string?> { ["PROCESS_DOCUMENT_MAX_CALLS"] = "1" });
        using var http = Http2();
        // The one call the worker admits, its body still coming: it holds its place, as a slow upload does.
        var first = HeldCall.Start(http, worker.GrpcAddress, announced: 8 << 20, sent: 1 << 20);
        await UntilInFlightAsync(worker, calls: 1);
        using var channel = GrpcChannel.ForAddress(worker.GrpcAddress);
        var client = new WorkerService.WorkerServiceClient(channel);
        var pdf = ByteString.CopyFrom(Corpus.Generated("admitted once there was room"));

        var busy = await Assert.ThrowsAsync<RpcException>(() => client.ProcessDocumentAsync(new ProcessDocumentRequest { Content = pdf },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, busy.StatusCode);
        Assert.StartsWith("busy: 1 ProcessDocument calls in flight (PROCESS_DOCUMENT_MAX_CALLS 1)", busy.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("1000", busy.Trailers.GetValue("grpc-retry-pushback-ms"));

        await first.DisposeAsync();
        await UntilInFlightAsync(worker, calls: 0);
        var admitted = await client.ProcessDocumentAsync(new ProcessDocumentRequest { Content = pdf }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains("admitted once there was room", admitted.Document.Pages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBytesInFlight_AreBounded_AsWellAsTheCalls()
    {
        await using var worker = await WorkerProcess.StartAsync(system, "admission-bytes", new Dictionary<string, string?>
        {
            ["PROCESS_DOCUMENT_MAX_CALLS"] = "8",
            ["PROCESS_DOCUMENT_MAX_BYTES"] = (12 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var http = Http2();
        await using var first = HeldCall.Start(http, worker.GrpcAddress, announced: 8 << 20, sent: 1 << 20);
        await UntilInFlightAsync(worker, calls: 1);

        await using var second = HeldCall.Start(http, worker.GrpcAddress, announced: 8 << 20, sent: 0);
        using var response = await second.Response.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal("8", Header(response, "grpc-status"));
        Assert.StartsWith("busy: 8,388,608 request bytes in flight and 8,388,608 more asked (PROCESS_DOCUMENT_MAX_BYTES 12,582,912)",
            Uri.UnescapeDataString(Header(response, "grpc-message")), StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => Exposition.Value(await worker.MetricsAsync(), "pdf_process_document_refused_total", "reason=\"busy\"") == 1,
            Patience, "the refusal counted in the worker's metrics");
    }

    /// <summary>The worker's own count of admitted calls, so a test never races the admission it waits for.</summary>
    private static Task UntilInFlightAsync(WorkerProcess worker, int calls) =>
        Eventually.TrueAsync(async () => Exposition.Value(await worker.MetricsAsync(), "pdf_process_document_calls_in_flight") == calls,
            Patience, $"{calls} ProcessDocument calls in flight");

    private static HttpClient Http2() => new(new SocketsHttpHandler());

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single()
        : response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.Single()
        : throw new Xunit.Sdk.XunitException($"no {name} in the answer ({response.StatusCode}, {response.Headers})");

    /// <summary>
    /// A ProcessDocument call whose message header announces <c>announced</c> bytes, of which only <c>sent</c> follow;
    /// the rest never does, so the request stays open until the worker answers or the call is disposed.
    /// </summary>
    private sealed class HeldCall : IAsyncDisposable
    {
        private readonly HeldBody _body;
        private readonly CancellationTokenSource _end = new();
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private HeldCall(HttpClient http, Uri worker, uint announced, int sent, bool declaresLength)
        {
            _body = new HeldBody(announced, sent, declaresLength, _ended.Task);
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(worker, ProcessDocument)) 
            {
                Content = _body,
                // DefaultRequestVersion applies only to HttpClient's own helpers, not to a message made here.
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
            Response = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _end.Token);
        }

        public Task<HttpResponseMessage> Response { get; }

        /// <summary>Starts the call: its header, then <paramref name="sent"/> bytes of the <paramref name="announced"/>.</summary>
        /// <param name="http">An HTTP/2 client.</param>
        /// <param name="worker">The worker's gRPC address.</param>
        /// <param name="announced">The message length the gRPC header announces.</param>
        /// <param name="sent">The bytes of the message that follow before the answer.</param>
        /// <param name="declaresLength">Whether the request says its whole length up front (Content-Length), as curl does.</param>
        public static HeldCall Start(HttpClient http, Uri worker, uint announced, int sent, bool declaresLength = false) =>
            new(http, worker, announced, sent, declaresLength);

        public async ValueTask DisposeAsync()
        {
            _ended.TrySetResult();
            await _end.CancelAsync();
            try
            {
                (await Response).Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                // Cut off before an answer: what ending it meant.
            }
            _end.Dispose();
        }
    }

    private sealed class HeldBody : HttpContent
    {
        private readonly uint _announced;
        private readonly int _sent;
        private readonly bool _declaresLength;
        private readonly Task _callEnded;

        // callEnded completes when the test ends the call: until then the rest of the message never comes.
        public HeldBody(uint announced, int sent, bool declaresLength, Task callEnded)
        {
            (_announced, _sent, _declaresLength, _callEnded) = (announced, sent, declaresLength, callEnded);
            Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var header = new byte[5];
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), _announced);
            await stream.WriteAsync(header, cancellationToken);
            await stream.WriteAsync(new byte[_sent], cancellationToken);
            await stream.FlushAsync(cancellationToken);
            // Held open, the rest unsent, until the test ends the call (or the client gives up on the request).
            await _callEnded.WaitAsync(cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _declaresLength ? 5 + _announced : -1;
            return _declaresLength;
        }
    }
}

using System.Diagnostics;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Pipeline;

[Collection(SystemUnderTest.Name)]
public sealed class TracingTests(AppHostFixture system)
{
    [Fact]
    public async Task ProducersTraceparent_ContinuesThroughTheWorker_ToTheIngestCall()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        var taskId = await system.Pipeline.SubmitAsync("traced", Corpus.Generated("traced"),
            task => task with { Traceparent = $"00-{traceId}-{producerSpan}-01" });

        var result = (await system.Pipeline.WaitForResultsAsync([taskId], TimeSpan.FromMinutes(1)))[taskId];

        // Same trace, a later span: the worker's ingest call is a descendant of the producer's span.
        Assert.NotNull(result.Traceparent);
        Assert.StartsWith($"00-{traceId}-", result.Traceparent, StringComparison.Ordinal);
        Assert.DoesNotContain(producerSpan.ToString(), result.Traceparent, StringComparison.Ordinal);
    }
}

using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Grpc.Net.Client;
using PdfAspire.Ingest.V1;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Composition;

[Collection(SystemUnderTest.Name)]
public sealed class IngestStubTests(AppHostFixture system)
{
    [Fact]
    public async Task SubmitResult_AppearsInTheStubsListing_AndARepeatIsCountedNotStored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var channel = GrpcChannel.ForAddress(system.Endpoint("go-ingest-service", "grpc"));
        var ingest = new IngestService.IngestServiceClient(channel);
        var taskId = $"stub-{Guid.NewGuid():N}";
        var request = new SubmitResultRequest
        {
            TaskId = taskId,
            Source = new ObjectLocation { Bucket = "pdf-uploads", ObjectKey = $"{taskId}.pdf" },
            FileName = "report.pdf",
            Document = new ExtractedDocument
            {
                PageCount = 1,
                Pages = { new PageText { Number = 1, Status = PageStatus.Ok, Text = "hello" } },
                Sha256 = new string('a', 64),
            },
        };

        var first = await ingest.SubmitResultAsync(request, cancellationToken: ct);
        var repeat = await ingest.SubmitResultAsync(request, cancellationToken: ct);

        Assert.False(first.Duplicate);
        Assert.True(repeat.Duplicate);
        Assert.Equal(2, repeat.Deliveries);
        using var http = new HttpClient { BaseAddress = system.Endpoint("go-ingest-service", "http") };
        var listing = await http.GetFromJsonAsync<List<StoredResult>>("/results", ct);
        var stored = Assert.Single(listing!, r => r.TaskId == taskId);
        Assert.Equal(1, stored.PageCount);
        Assert.Equal(2, stored.Deliveries);
        Assert.Equal($"{taskId}.pdf", stored.ObjectKey);
    }

    private sealed record StoredResult(
        [property: JsonPropertyName("task_id")] string TaskId,
        [property: JsonPropertyName("object_key")] string ObjectKey,
        [property: JsonPropertyName("page_count")] int PageCount,
        [property: JsonPropertyName("deliveries")] int Deliveries);
}

using Grpc.Health.V1;
using Grpc.Net.Client;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Composition;

[Collection(SystemUnderTest.Name)]
public sealed class WorkerGrpcTests(AppHostFixture system)
{
    [Fact]
    public async Task GrpcHealth_AnswersServing_OnTheWorkerPort()
    {
        using var channel = GrpcChannel.ForAddress(system.Endpoint("pdf-processor-worker", "grpc"));
        var health = new Health.HealthClient(channel);

        var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}

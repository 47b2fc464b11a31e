namespace PdfAspire.Tests.Deployment;

/// <summary>The manifest aspirate reads: it must describe only what aspirate can turn into Kubernetes objects.</summary>
public sealed class ManifestTests
{
    private static readonly string[] DeployableTypes =
        ["container.v0", "container.v1", "dockerfile.v0", "project.v0", "project.v1", "parameter.v0", "value.v0"];

    [Fact]
    public async Task PublishedManifest_HoldsOnlyDeployableResources_UnderTheGuidesNames()
    {
        var deploy = await DeployPath.GetAsync();
        var all = deploy.Manifest.GetProperty("resources");
        var resources = all.EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetProperty("type").GetString());

        Assert.All(resources, r => Assert.Contains(r.Value, DeployableTypes));
        Assert.Equal("container.v0", resources["redis"]);
        Assert.Equal("container.v0", resources["minio"]);
        // Aspire 13 writes a Dockerfile-built image as container.v1 with a build section.
        Assert.Equal("container.v1", resources["go-ingest-service"]);
        var dockerfile = all.GetProperty("go-ingest-service").GetProperty("build").GetProperty("dockerfile").GetString();
        Assert.EndsWith("ingest-stub/Dockerfile", dockerfile, StringComparison.Ordinal);
        // The worker's image needs the OCR tools: built from its own Dockerfile, with the repository as context.
        Assert.Equal("container.v1", resources["pdf-processor-worker"]);
        var worker = all.GetProperty("pdf-processor-worker").GetProperty("build");
        Assert.Equal("../PdfAspire.Worker/Dockerfile", worker.GetProperty("dockerfile").GetString());
        Assert.Equal("..", worker.GetProperty("context").GetString());
        Assert.StartsWith("project.", resources["pdf-admin"]);
    }

    [Fact]
    public async Task PublishedManifest_GivesTheWorkerTheGuidesPorts()
    {
        var deploy = await DeployPath.GetAsync();
        var bindings = deploy.Resource("pdf-processor-worker").GetProperty("bindings");

        Assert.Equal(50052, bindings.GetProperty("grpc").GetProperty("targetPort").GetInt32());
        Assert.Equal("http2", bindings.GetProperty("grpc").GetProperty("transport").GetString());
        Assert.Equal(8000, bindings.GetProperty("metrics").GetProperty("targetPort").GetInt32());
    }

    /// <summary>
    /// aspirate writes a parameter's value into a plain ConfigMap (or, with secrets on, into files only `aspirate apply`
    /// writes), so the published manifest holds no parameter at all: every secret comes from deploy/k8s's Secret.
    /// </summary>
    [Fact]
    public async Task PublishedManifest_HoldsNoParameter_SoAspirateHasNoSecretToWriteDown()
    {
        var deploy = await DeployPath.GetAsync();
        var parameters = deploy.Manifest.GetProperty("resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0").Select(r => r.Name);

        Assert.Empty(parameters);
        Assert.DoesNotContain("password", deploy.ManifestJson, StringComparison.OrdinalIgnoreCase);
    }
}

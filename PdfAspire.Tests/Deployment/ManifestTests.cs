using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace PdfAspire.Tests.Deployment;

/// <summary>The manifest aspirate reads: it must describe only what aspirate can turn into Kubernetes objects.</summary>
public sealed class ManifestTests
{
    private static readonly string[] DeployableTypes =
        ["container.v0", "container.v1", "dockerfile.v0", "project.v0", "project.v1", "parameter.v0", "value.v0"];

    [Fact]
    public async Task PublishedManifest_HoldsOnlyDeployableResources_UnderTheGuidesNames()
    {
        var manifest = await PublishManifestAsync(TestContext.Current.CancellationToken);
        var all = manifest.RootElement.GetProperty("resources");
        var resources = all.EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetProperty("type").GetString());

        Assert.All(resources, r => Assert.Contains(r.Value, DeployableTypes));
        Assert.Equal("container.v0", resources["redis"]);
        Assert.Equal("container.v0", resources["minio"]);
        // Aspire 13 writes a Dockerfile-built image as container.v1 with a build section.
        Assert.Equal("container.v1", resources["go-ingest-service"]);
        var dockerfile = all.GetProperty("go-ingest-service").GetProperty("build").GetProperty("dockerfile").GetString();
        Assert.EndsWith("ingest-stub/Dockerfile", dockerfile, StringComparison.Ordinal);
        Assert.StartsWith("project.", resources["pdf-processor-worker"]);
        Assert.StartsWith("project.", resources["pdf-admin"]);
    }

    [Fact]
    public async Task PublishedManifest_GivesTheWorkerTheGuidesPorts()
    {
        var manifest = await PublishManifestAsync(TestContext.Current.CancellationToken);
        var bindings = manifest.RootElement.GetProperty("resources").GetProperty("pdf-processor-worker").GetProperty("bindings");

        Assert.Equal(50052, bindings.GetProperty("grpc").GetProperty("targetPort").GetInt32());
        Assert.Equal("http2", bindings.GetProperty("grpc").GetProperty("transport").GetString());
        Assert.Equal(8000, bindings.GetProperty("metrics").GetProperty("targetPort").GetInt32());
    }

    /// <summary>Runs the built AppHost the way the README tells users to, and parses what it writes.</summary>
    internal static async Task<JsonDocument> PublishManifestAsync(CancellationToken ct)
    {
        var output = Directory.CreateTempSubdirectory("pdfaspire-manifest-").FullName;
        var path = Path.Combine(output, "aspire-manifest.json");
        var configuration = typeof(ManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo("dotnet",
            ["run", "--project", Projects.PdfAspire_AppHost.ProjectPath, "--no-build", "-c", configuration, "--",
             "--publisher", "manifest", "--output-path", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromMinutes(2), ct);
        Assert.True(process.ExitCode == 0, $"publishing failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        await using var file = File.OpenRead(path);
        var manifest = await JsonDocument.ParseAsync(file, cancellationToken: ct);
        Directory.Delete(output, recursive: true);
        return manifest;
    }
}

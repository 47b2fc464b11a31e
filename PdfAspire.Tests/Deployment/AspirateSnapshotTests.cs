using System.Text.Json.Nodes;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// The committed snapshot of aspirate's output stands in for aspirate where it is not installed, so it must be the
/// real tool's output for the current manifest. Regenerate it with tools/update-aspirate-snapshot.sh.
/// </summary>
public sealed class AspirateSnapshotTests
{
    private const string Regenerate = "the AppHost changed: run tools/update-aspirate-snapshot.sh (needs aspirate on PATH) and commit the result";

    [Fact]
    public async Task Snapshot_WasMadeFromTheManifestTheAppHostPublishesNow()
    {
        var deploy = await DeployPath.GetAsync();
        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DeployPath.SnapshotDirectory, "aspire-manifest.json"), TestContext.Current.CancellationToken));

        Assert.True(JsonNode.DeepEquals(snapshot, JsonNode.Parse(deploy.ManifestJson)), Regenerate);
    }

    [Fact]
    public async Task Snapshot_IsWhatTheRealAspirateWritesToday()
    {
        var deploy = await DeployPath.GetAsync();
        if (deploy.Aspirate is null)
        {
            Assert.Skip("aspirate is not on PATH (dotnet tool install -g aspirate); the overlays were rendered over the committed snapshot");
        }
        var snapshot = Path.Combine(DeployPath.SnapshotDirectory, "base");

        Assert.Equal(DeployPath.Files(snapshot), DeployPath.Files(deploy.Base));
        Assert.All(DeployPath.Files(snapshot), file => Assert.True(
            File.ReadAllText(Path.Combine(snapshot, file)) == File.ReadAllText(Path.Combine(deploy.Base, file)),
            $"{file} differs from what {deploy.Aspirate} writes: {Regenerate}"));
    }
}

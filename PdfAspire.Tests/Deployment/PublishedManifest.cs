using System.Text.Json;

namespace PdfAspire.Tests.Deployment;

/// <summary>The AppHost's published manifest, produced once for every deployment test in a class.</summary>
public sealed class PublishedManifest : IAsyncLifetime
{
    private JsonDocument? _document;

    public JsonElement Root => (_document ?? throw new InvalidOperationException("not published yet")).RootElement;

    public JsonElement Resource(string name) => Root.GetProperty("resources").GetProperty(name);

    public async ValueTask InitializeAsync() => _document = await ManifestTests.PublishManifestAsync(CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        _document?.Dispose();
        return ValueTask.CompletedTask;
    }
}

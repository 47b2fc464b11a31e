using System.Text.RegularExpressions;
using k8s.Models;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// Every password and key reaches the pods from one Secret, by name, each workload taking only what it uses; none
/// appears in a ConfigMap, and every reference resolves to an object the overlay really contains.
/// </summary>
public sealed partial class OverlaySecretsTests
{
    /// <summary>The secret keys each workload reads (MinIO's root credentials are the services' bucket keys).</summary>
    private static readonly Dictionary<string, string[]> SecretsUsed = new()
    {
        ["pdf-processor-worker"] = ["REDIS_PASSWORD", "BUCKET_ACCESS_ID", "BUCKET_ACCESS_KEY"],
        ["pdf-admin"] = ["REDIS_PASSWORD", "BUCKET_ACCESS_ID", "BUCKET_ACCESS_KEY", "ADMIN_OPERATOR_PASSWORD", "ADMIN_VIEWER_PASSWORD"],
        ["redis"] = ["REDIS_PASSWORD"],
        ["minio"] = ["BUCKET_ACCESS_ID", "BUCKET_ACCESS_KEY"],
        ["go-ingest-service"] = [],
    };

    public static TheoryData<string> Overlays => [.. DeployPath.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task NoConfigMap_HoldsASecret(string overlay)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);
        var configMaps = rendered.OfType<V1ConfigMap>().ToList();

        Assert.NotEmpty(configMaps);
        foreach (var configMap in configMaps)
        {
            foreach (var (key, value) in configMap.Data ?? new Dictionary<string, string>())
            {
                Assert.False(SecretLooking().IsMatch(key), $"{configMap.Metadata.Name} holds {key}");
                Assert.DoesNotContain(DeployPath.Secrets.Values, secret => value.Contains(secret, StringComparison.Ordinal));
            }
        }
        // aspirate's per-resource env ConfigMaps are gone: the guide's ConfigMap is the only configuration.
        Assert.Equal(["pdf-processor-config"], configMaps.Select(c => c.Metadata.Name));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EachWorkload_GetsOnlyTheSecretsItUses_ByName(string overlay)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);
        var secret = rendered.Named<V1Secret>("pdf-processor-secrets");

        Assert.Equal(DeployPath.Secrets.Keys.Order(), secret.Data.Keys.Order());
        foreach (var (name, pod) in rendered.PodTemplates())
        {
            var container = Assert.Single(pod.Spec.Containers);
            // A whole Secret through envFrom would hand over every key; each is taken by name instead.
            Assert.DoesNotContain(container.EnvFrom ?? [], e => e.SecretRef is not null);
            var used = (container.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>().ToList();
            Assert.All(used, r => Assert.Equal(secret.Metadata.Name, r.Name));
            Assert.Equal(SecretsUsed[name].Order(), used.Select(r => r.Key).Distinct().Order());
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryConfigMapReference_ResolvesToARenderedConfigMap(string overlay)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);
        var configMaps = rendered.OfType<V1ConfigMap>().Select(c => c.Metadata.Name).ToHashSet();

        var references = rendered.PodTemplates().SelectMany(w => w.Pod.Spec.Containers)
            .SelectMany(c => c.EnvFrom ?? []).Select(e => e.ConfigMapRef?.Name).OfType<string>().ToList();

        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.Contains(name, configMaps));
    }

    [GeneratedRegex("PASSWORD|SECRET|ACCESS_KEY|ACCESS_ID|TOKEN", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLooking();
}

using System.Diagnostics;
using k8s;
using k8s.Models;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// One overlay rendered with <c>kubectl kustomize</c>, as <c>kubectl apply -k</c> would send it, then loaded strictly:
/// an unknown kind or field fails the load.
/// </summary>
public sealed class RenderedOverlay
{
    private static readonly Dictionary<string, Type> KedaKinds = new()
    {
        [$"{ScaledObject.KedaApiVersion}/ScaledObject"] = typeof(ScaledObject),
        [$"{ScaledObject.KedaApiVersion}/TriggerAuthentication"] = typeof(TriggerAuthentication),
    };

    private RenderedOverlay(string name, string yaml, IReadOnlyList<object> objects)
    {
        Name = name;
        Yaml = yaml;
        Objects = objects;
    }

    public string Name { get; }

    public string Yaml { get; }

    public IReadOnlyList<object> Objects { get; }

    public static async Task<RenderedOverlay> RenderAsync(string directory, string name)
    {
        var yaml = await KubectlKustomizeAsync(directory);
        // Kept for reading: what `kubectl apply -k` would send for this overlay.
        var results = Directory.CreateDirectory(Path.Combine(
            Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") ?? Path.Combine(AppContext.BaseDirectory, "TestResults"), "k8s")).FullName;
        await File.WriteAllTextAsync(Path.Combine(results, $"{name}.yaml"), yaml);
        return new RenderedOverlay(name, yaml, KubernetesYaml.LoadAllFromString(yaml, KedaKinds, strict: true));
    }

    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    public T Named<T>(string name) where T : IKubernetesObject<V1ObjectMeta> => Objects.OfType<T>().Single(o => o.Metadata.Name == name);

    public V1Deployment Deployment(string name) => Named<V1Deployment>(name);

    /// <summary>Every pod template with its workload's name: Deployments and StatefulSets.</summary>
    public IEnumerable<(string Name, V1PodTemplateSpec Pod)> PodTemplates() =>
        OfType<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template))
            .Concat(OfType<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template)));

    private static async Task<string> KubectlKustomizeAsync(string directory)
    {
        var kubectl = DeployPath.FindOnPath("kubectl");
        Assert.True(kubectl is not null, "kubectl is missing: it renders the overlays (kubectl kustomize) offline.");
        var start = new ProcessStartInfo(kubectl, ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed:\n{await error}");
        return await output;
    }
}

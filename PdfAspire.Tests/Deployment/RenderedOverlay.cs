using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// One overlay rendered with <c>kubectl kustomize</c> over a copy of deploy/k8s whose base is generated in aspirate's
/// layout from the published manifest, then loaded strictly: an unknown kind or field fails the load.
/// </summary>
public sealed class RenderedOverlay
{
    private static readonly Dictionary<string, Type> KedaKinds = new()
    {
        [$"{ScaledObject.KedaApiVersion}/ScaledObject"] = typeof(ScaledObject),
        [$"{ScaledObject.KedaApiVersion}/TriggerAuthentication"] = typeof(TriggerAuthentication),
    };

    private RenderedOverlay(string yaml, IReadOnlyList<object> objects)
    {
        Yaml = yaml;
        Objects = objects;
    }

    public string Yaml { get; }

    public IReadOnlyList<object> Objects { get; }

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Projects.PdfAspire_AppHost.ProjectPath, ".."));

    public static string[] Overlays => [.. Directory.GetDirectories(Path.Combine(RepositoryRoot, "deploy", "k8s", "overlays")).Select(Path.GetFileName).Order()!];

    public static async Task<RenderedOverlay> RenderAsync(JsonElement manifest, string overlay)
    {
        var work = Directory.CreateTempSubdirectory("pdfaspire-k8s-").FullName;
        try
        {
            CopyDirectory(Path.Combine(RepositoryRoot, "deploy", "k8s"), work);
            var @base = Directory.CreateDirectory(Path.Combine(work, "base")).FullName;
            AspirateLayout.Write(manifest, @base);
            File.Copy(Path.Combine(work, "core", "secrets.env.example"), Path.Combine(work, "core", "secrets.env"), overwrite: true);
            var yaml = await KubectlKustomizeAsync(Path.Combine(work, "overlays", overlay));
            // Kept for reading: what `kubectl apply -k` would send for this overlay.
            var results = Directory.CreateDirectory(Path.Combine(
                Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") ?? Path.Combine(AppContext.BaseDirectory, "TestResults"), "k8s")).FullName;
            await File.WriteAllTextAsync(Path.Combine(results, $"{overlay}.yaml"), yaml);
            return new RenderedOverlay(yaml, KubernetesYaml.LoadAllFromString(yaml, KedaKinds, strict: true));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    public T Named<T>(string name) where T : IKubernetesObject<V1ObjectMeta> => Objects.OfType<T>().Single(o => o.Metadata.Name == name);

    public V1Deployment Deployment(string name) => Named<V1Deployment>(name);

    private static async Task<string> KubectlKustomizeAsync(string directory)
    {
        if (!File.Exists("/usr/bin/kubectl") && !File.Exists("/usr/local/bin/kubectl"))
        {
            throw new InvalidOperationException("kubectl is missing: it renders the overlays (kubectl kustomize) offline.");
        }
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed:\n{await error}");
        return await output;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal), overwrite: true);
        }
    }
}

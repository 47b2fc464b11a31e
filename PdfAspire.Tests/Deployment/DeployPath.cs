using System.Collections.Concurrent;
using System.Text.Json;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// The deploy path of docs/deployment.md, followed once per test run: the AppHost's manifest, then aspirate's kustomize base
/// written from it, then the secrets file, then any overlay rendered with <c>kubectl kustomize</c> over that base.
/// The base comes from the real aspirate when it is on PATH (CI puts a build of it there; users have
/// <c>dotnet tool install -g aspirate</c>); without it, from the committed snapshot of what aspirate wrote, which a test
/// holds to the current manifest. Everything but the manifest happens in a scratch folder: the user's own
/// deploy/k8s/base and secrets.env are never touched.
/// </summary>
public sealed class DeployPath
{
    /// <summary>What the guide's commands are run with; the snapshot was made with the same.</summary>
    public const string Registry = "registry.example.com/pdfaspire";
    public const string Tag = "1.0.0";

    /// <summary>Values no real deployment has, so a test can search the rendered output for any of them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["REDIS_PASSWORD"] = "test-redis-password-4f1c",
        ["BUCKET_ACCESS_ID"] = "test-bucket-id-9b2e",
        ["BUCKET_ACCESS_KEY"] = "test-bucket-key-7a3d",
        ["ADMIN_OPERATOR_PASSWORD"] = "test-operator-password-1e8f",
        ["ADMIN_VIEWER_PASSWORD"] = "test-viewer-password-6c0b",
    };

    private static readonly Lazy<Task<DeployPath>> Shared = new(FollowAsync);

    private readonly ConcurrentDictionary<string, Lazy<Task<RenderedOverlay>>> _rendered = new();

    private DeployPath(string scratch, string manifestJson, string? aspirate)
    {
        Scratch = scratch;
        ManifestJson = manifestJson;
        Manifest = JsonDocument.Parse(manifestJson).RootElement;
        Aspirate = aspirate;
    }

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Projects.PdfAspire_AppHost.ProjectPath, ".."));

    /// <summary>The committed output of the real aspirate, and the manifest it was made from.</summary>
    public static string SnapshotDirectory => Path.Combine(RepositoryRoot, "PdfAspire.Tests", "Deployment", "AspirateSnapshot");

    public static string[] Overlays => [.. Directory.GetDirectories(Path.Combine(RepositoryRoot, "deploy", "k8s", "overlays")).Select(Path.GetFileName).Order()!];

    /// <summary>The scratch copy the guide's commands ran in: deploy/ copied, everything else linked.</summary>
    public string Scratch { get; }

    public string ManifestJson { get; }

    public JsonElement Manifest { get; }

    /// <summary>The aspirate that wrote the base; null when it was not on PATH and the snapshot stood in.</summary>
    public string? Aspirate { get; }

    public string Base => Path.Combine(Scratch, "deploy", "k8s", "base");

    public JsonElement Resource(string name) => Manifest.GetProperty("resources").GetProperty(name);

    public static Task<DeployPath> GetAsync() => Shared.Value;

    public Task<RenderedOverlay> RenderAsync(string overlay) =>
        _rendered.GetOrAdd(overlay, o => new Lazy<Task<RenderedOverlay>>(() =>
            RenderedOverlay.RenderAsync(Path.Combine(Scratch, "deploy", "k8s", "overlays", o), o))).Value;

    /// <summary>Renders an overlay a user might write (say, a profile plus an optional component) beside ours.</summary>
    public async Task<RenderedOverlay> RenderCustomAsync(string name, string kustomization)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Scratch, "deploy", "k8s", "overlays-custom", name)).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "kustomization.yaml"), kustomization);
        return await RenderedOverlay.RenderAsync(folder, name);
    }

    private static async Task<DeployPath> FollowAsync()
    {
        // The manifest step runs in the repository itself, as a user runs it: it writes only the git-ignored
        // PdfAspire.AppHost/aspire-manifest.json.
        await DeploymentGuideCommands.RunAsync("manifest", RepositoryRoot, new Dictionary<string, string>());
        var manifestJson = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "PdfAspire.AppHost", "aspire-manifest.json"));

        var scratch = CreateScratch(manifestJson);
        var aspirate = FindOnPath("aspirate");
        if (aspirate is not null)
        {
            await DeploymentGuideCommands.RunAsync("generate", scratch, new Dictionary<string, string> { ["REGISTRY"] = Registry, ["TAG"] = Tag });
            if (Environment.GetEnvironmentVariable("PDFASPIRE_UPDATE_ASPIRATE_SNAPSHOT") == "1")
            {
                WriteSnapshot(manifestJson, Path.Combine(scratch, "deploy", "k8s", "base"));
            }
        }
        else
        {
            CopyDirectory(Path.Combine(SnapshotDirectory, "base"), Path.Combine(scratch, "deploy", "k8s", "base"));
        }
        await DeploymentGuideCommands.RunAsync("secrets", scratch, new Dictionary<string, string>());
        await File.WriteAllLinesAsync(Path.Combine(scratch, "deploy", "k8s", "core", "secrets.env"), Secrets.Select(s => $"{s.Key}={s.Value}"));
        return new DeployPath(scratch, manifestJson, aspirate);
    }

    /// <summary>
    /// A folder that looks like the repository to aspirate (which evaluates the projects the manifest names, relative
    /// to the AppHost folder) and to kustomize, with its own deploy/ and AppHost folder so nothing is written back.
    /// </summary>
    private static string CreateScratch(string manifestJson)
    {
        var scratch = Directory.CreateTempSubdirectory("pdfaspire-deploy-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(scratch, recursive: true);
        string[] own = ["deploy", "PdfAspire.AppHost", ".git", ".local", "TestResults", "BenchmarkResults"];
        foreach (var entry in Directory.EnumerateFileSystemEntries(RepositoryRoot).Where(e => !own.Contains(Path.GetFileName(e))))
        {
            File.CreateSymbolicLink(Path.Combine(scratch, Path.GetFileName(entry)), entry);
        }
        var appHost = Directory.CreateDirectory(Path.Combine(scratch, "PdfAspire.AppHost")).FullName;
        File.WriteAllText(Path.Combine(appHost, "aspire-manifest.json"), manifestJson);
        CopyDirectory(Path.Combine(RepositoryRoot, "deploy"), Path.Combine(scratch, "deploy"),
            skip: [Path.Combine("k8s", "base"), Path.Combine("k8s", "core", "secrets.env")]);
        return scratch;
    }

    private static void WriteSnapshot(string manifestJson, string freshBase)
    {
        if (Directory.Exists(SnapshotDirectory))
        {
            Directory.Delete(SnapshotDirectory, recursive: true);
        }
        CopyDirectory(freshBase, Path.Combine(SnapshotDirectory, "base"));
        File.WriteAllText(Path.Combine(SnapshotDirectory, "aspire-manifest.json"), manifestJson);
    }

    public static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);

    /// <summary>Every file under <paramref name="root"/>, relative, in a stable order.</summary>
    public static IReadOnlyList<string> Files(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];

    private static void CopyDirectory(string from, string to, string[]? skip = null)
    {
        foreach (var file in Files(from).Where(f => skip is null || !skip.Any(s => f == s || f.StartsWith(s + Path.DirectorySeparatorChar, StringComparison.Ordinal))))
        {
            var target = Path.Combine(to, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(from, file), target, overwrite: true);
        }
    }
}

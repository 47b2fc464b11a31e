namespace PdfAspire.AppHost.Infrastructure;

/// <summary>Where local-process mode finds the repository's tools and keeps its data.</summary>
public sealed record LocalPaths(string RepositoryRoot, string StateDirectory)
{
    /// <summary>Overrides where Redis and the S3 server keep their data (default: .local/ in the repository).</summary>
    public const string StateDirectoryKey = "PDFASPIRE_STATE_DIR";

    public static LocalPaths From(IDistributedApplicationBuilder builder)
    {
        var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var state = builder.Configuration[StateDirectoryKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(root, ".local");
        return new LocalPaths(root, state);
    }

    public string StateFor(string resourceName)
    {
        var path = Path.Combine(StateDirectory, resourceName);
        Directory.CreateDirectory(path);
        return path;
    }

    public string Tool(params string[] relativePath) => Path.Combine([RepositoryRoot, .. relativePath]);

    /// <summary>Fails at start with the fix, instead of a resource that silently never starts.</summary>
    public static string RequireFile(string path, string howToInstall) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing; {howToInstall}");
}

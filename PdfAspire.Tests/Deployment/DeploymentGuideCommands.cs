using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// The shell blocks of docs/deployment.md that users type to deploy, run by the tests as written. A block is the fenced
/// one right after a <c>&lt;!-- deploy-test: {name} --&gt;</c> comment, so what the page shows is what is tested.
/// </summary>
public static partial class DeploymentGuideCommands
{
    public static string Guide => File.ReadAllText(Path.Combine(DeployPath.RepositoryRoot, "docs", "deployment.md"));

    public static string Block(string name)
    {
        var match = TaggedBlock().Matches(Guide).SingleOrDefault(m => m.Groups["name"].Value == name);
        Assert.True(match is not null, $"docs/deployment.md has no block tagged <!-- deploy-test: {name} -->");
        return match.Groups["body"].Value;
    }

    /// <summary>Runs one block with bash (errexit, pipefail) in <paramref name="directory"/>; fails the test with its output.</summary>
    public static async Task RunAsync(string name, string directory, IReadOnlyDictionary<string, string> environment)
    {
        var block = Block(name);
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", block])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(bash.ExitCode == 0,
            $"docs/deployment.md's block '{name}' failed with exit code {bash.ExitCode} in {directory}:\n{block}\n--- output\n{Tail(await output)}\n--- errors\n{Tail(await error)}");
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];

    [GeneratedRegex(@"<!-- deploy-test: (?<name>[a-z-]+) -->\s*```bash\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex TaggedBlock();
}

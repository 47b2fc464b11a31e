using System.Diagnostics;

namespace PdfAspire.AppHost;

/// <summary>How the infrastructure (Redis, object store, ingest stub) runs; the worker and admin are projects either way.</summary>
public enum RunMode
{
    /// <summary>Container images, as in production. Needs Docker or Podman; always used for publishing.</summary>
    Containers,

    /// <summary>Local processes: Debian's redis-server, s3rver from npm, the Go stub built from Debian's packages.</summary>
    LocalProcesses,
}

public static class RunModeSelection
{
    /// <summary>Forces the mode: <c>containers</c>, <c>local</c> or <c>auto</c> (the default). Env var or --PDFASPIRE_RUN_MODE=…</summary>
    public const string ConfigurationKey = "PDFASPIRE_RUN_MODE";

    public static RunMode SelectRunMode(this IDistributedApplicationBuilder builder)
    {
        // aspirate skips executable resources, so a published manifest must describe containers only.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return RunMode.Containers;
        }
        return builder.Configuration[ConfigurationKey]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => ContainerRuntimeResponds(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"]) ? RunMode.Containers : RunMode.LocalProcesses,
            "containers" => RunMode.Containers,
            "local" => RunMode.LocalProcesses,
            var other => throw new InvalidOperationException(
                $"{ConfigurationKey}='{other}' is not a run mode; use 'containers', 'local' or 'auto'."),
        };
    }

    /// <summary>
    /// A docker client without a daemon is common (CI images, this project's own machines), so ask the engine itself,
    /// the way Aspire's orchestrator will, rather than look for the executable.
    /// </summary>
    private static bool ContainerRuntimeResponds(string? preferred)
    {
        string[] runtimes = preferred is { Length: > 0 } ? [preferred] : ["docker", "podman"];
        return runtimes.Any(runtime => Succeeds(runtime, "info", "--format", "{{.ServerVersion}}"));
    }

    private static bool Succeeds(string fileName, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(fileName, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0 && process.StandardOutput.ReadToEnd().Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}

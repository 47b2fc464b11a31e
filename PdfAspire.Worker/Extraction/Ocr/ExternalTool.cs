using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace PdfAspire.Worker.Extraction.Ocr;

/// <summary>
/// Runs a command-line tool (pdftoppm, tesseract) from inside the extractor process, with the extractor's own confined
/// environment: no credentials, and the worker's deadline and memory cap cover it, since the worker kills the extractor's
/// whole process tree. <see cref="StopAll"/> ends what is still running when the extractor has to quit.
/// </summary>
public static class ExternalTool
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    /// <summary>Runs <paramref name="fileName"/> to completion; throws <see cref="OcrFailedException"/> if it can't start or fails.</summary>
    public static void Run(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new OcrFailedException($"{fileName} did not start");
        }
        catch (Win32Exception)
        {
            throw new OcrFailedException($"{fileName} is not installed (Debian: {(fileName == "pdftoppm" ? "poppler-utils" : "tesseract-ocr")})");
        }
        using (process)
        {
            Running[process.Id] = process;
            try
            {
                var error = process.StandardError.ReadToEndAsync();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    var reason = error.Result.Trim().Split('\n').LastOrDefault() ?? "";
                    throw new OcrFailedException($"{fileName} exited with {process.ExitCode}{(reason.Length > 0 ? $": {reason[..Math.Min(reason.Length, 200)]}" : "")}");
                }
            }
            finally
            {
                Running.TryRemove(process.Id, out _);
            }
        }
    }

    /// <summary>Kills every tool still running, so none outlives an extractor whose worker is gone.</summary>
    public static void StopAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}

public sealed class OcrFailedException(string message) : Exception(message);

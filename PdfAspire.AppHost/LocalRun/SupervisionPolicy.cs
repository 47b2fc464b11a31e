namespace PdfAspire.AppHost.LocalRun;

/// <summary>
/// Which resources local mode restarts when they exit on their own, and how patiently: a pause that doubles from one
/// second (capped at 30 s), and at most five restarts in ten minutes, so a resource that can't start (a port taken, a
/// broken build) ends up stopped with its log to read instead of restarting forever.
/// </summary>
public sealed record SupervisionPolicy(IReadOnlySet<string> Resources)
{
    public int MaxRestarts { get; init; } = 5;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    public bool Supervises(string resourceName) => Resources.Contains(resourceName);

    public static TimeSpan PauseBefore(int restart) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, restart - 1)));
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PdfAspire.AppHost.LocalRun;

/// <summary>
/// Local mode's supervisor: Aspire leaves a process that exits on its own as "Exited" for good, and a dead worker or
/// Redis would stall the queue until someone noticed. This restarts such a resource with a growing pause, up to a
/// limit, and says so on the console; the dashboard shows it exited and starting again. A stop someone asked for
/// (the dashboard's Stop, Ctrl+C) passes through "Stopping" first and is left alone.
/// </summary>
public sealed partial class ResourceSupervisor(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    SupervisionPolicy policy,
    ILogger<ResourceSupervisor> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SupervisionDecision> _decisions = new();

    /// <summary>What the supervisor did each time a resource ended: what the dashboard shows, for the tests to read.</summary>
    public IReadOnlyCollection<SupervisionDecision> Decisions => _decisions;

    /// <summary>One resource instance (a replica counts alone): its last state and its recent restarts.</summary>
    private sealed class Watched
    {
        public string? State { get; set; }
        public bool StopAsked { get; set; }
        public List<DateTimeOffset> Restarts { get; } = [];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (policy.Supervises(update.Resource.Name))
                {
                    Observe(update.ResourceId, update.Snapshot, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private void Observe(string id, CustomResourceSnapshot snapshot, CancellationToken stoppingToken)
    {
        var watched = _watched.GetOrAdd(id, _ => new Watched());
        var state = snapshot.State?.Text;
        var previous = watched.State;
        watched.State = state;
        if (state == KnownResourceStates.Stopping)
        {
            watched.StopAsked = true;
        }
        else if (state is "Starting" or "Running")
        {
            watched.StopAsked = false;
        }
        // A process that ends shows Finished or Exited; one stopped on request may end as Unknown instead. A start
        // that fails (the process could not be launched) is retried like an exit, within the same limit.
        if (state is not ("Exited" or "Finished" or "Unknown" or "FailedToStart")
            || previous is not ("Running" or "Starting" or "Stopping" or "Waiting"))
        {
            return;
        }
        if (watched.StopAsked || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            _decisions.Enqueue(new SupervisionDecision(id, SupervisionAction.LeftStopped, snapshot.ExitCode));
            return;
        }
        var now = DateTimeOffset.UtcNow;
        watched.Restarts.RemoveAll(at => now - at > policy.Window);
        if (watched.Restarts.Count >= policy.MaxRestarts)
        {
            _decisions.Enqueue(new SupervisionDecision(id, SupervisionAction.GaveUp, snapshot.ExitCode));
            LogGaveUp(id, snapshot.ExitCode, watched.Restarts.Count, policy.Window.TotalMinutes);
            return;
        }
        _decisions.Enqueue(new SupervisionDecision(id, SupervisionAction.Restarted, snapshot.ExitCode));
        watched.Restarts.Add(now);
        var pause = SupervisionPolicy.PauseBefore(watched.Restarts.Count);
        LogRestarting(id, state == KnownResourceStates.FailedToStart ? "failed to start" : $"exited on its own (exit code {snapshot.ExitCode})",
            pause.TotalSeconds, watched.Restarts.Count, policy.MaxRestarts);
        _ = RestartAsync(id, pause, stoppingToken);
    }

    private async Task RestartAsync(string id, TimeSpan pause, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(pause, stoppingToken);
            var result = await commands.ExecuteCommandAsync(id, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
            {
                LogRestartFailed(id, result.Message ?? "no reason given");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping; nothing to restart.
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            LogRestartFailed(id, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} {What}; restarting it in {PauseSeconds:0.#} s (restart {Count} of at most {Max})")]
    private partial void LogRestarting(string resource, string what, double pauseSeconds, int count, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} exited again (exit code {ExitCode}) after {Count} restarts in {WindowMinutes} minutes; left stopped: its console log in the dashboard says why. Start it from the dashboard once fixed")]
    private partial void LogGaveUp(string resource, int? exitCode, int count, double windowMinutes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not restart {Resource}: {Reason}")]
    private partial void LogRestartFailed(string resource, string reason);
}

public enum SupervisionAction
{
    Restarted,

    /// <summary>Someone asked for the stop (the dashboard's Stop, the AppHost shutting down).</summary>
    LeftStopped,

    /// <summary>It kept exiting: too many restarts in the window.</summary>
    GaveUp,
}

public sealed record SupervisionDecision(string ResourceId, SupervisionAction Action, int? ExitCode);

extern alias worker;

using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using PdfAspire.AppHost.LocalRun;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.LocalRun;

/// <summary>
/// Local mode heals itself: a worker and Redis SIGKILLed in the middle of a batch come back on their own, and every
/// task is stored by ingest once; a worker restarted while Redis is down waits for it; a stop someone asked for is
/// not undone.
/// </summary>
[Collection(SupervisedSystemCollection.Name)]
public sealed class SupervisionTests(SupervisedSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task AWorkerAndRedisKilledMidBatch_AreRestarted_AndEveryTaskIsStoredOnce()
    {
        var workers = await Eventually.ValueAsync(() => Task.FromResult(system.WorkerProcessIds()), ids => ids.Count == 2,
            TimeSpan.FromMinutes(1), "two worker replicas");
        // Ingest answers each delivery after 300 ms, so the two workers' slots need seconds for the batch: the kills land
        // in the middle of it, with tasks pending, in flight and being acknowledged, however fast the machine is.
        await system.Pipeline.SetIngestFaultsAsync(failureRate: 0, latencyMs: 300);
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < 80; i++)
            {
                ids.Add(await system.Pipeline.SubmitAsync("supervised", Corpus.Generated($"supervised document {i}")));
            }
            await Eventually.TrueAsync(async () => (await system.Pipeline.ResultsAsync(ids)).Count >= 10, Patience, "a first part of the batch");
            var redis = await system.ProcessIdAsync("redis");

            Process.GetProcessById(workers[0]).Kill();
            Process.GetProcessById(redis).Kill();
            var storedAfterKills = (await system.Pipeline.ResultsAsync(ids)).Count;
            Assert.True(storedAfterKills < ids.Count, "the batch had ended before the kills; the test would prove nothing");
            await system.Pipeline.SetIngestFaultsAsync(failureRate: 0, latencyMs: 0);
            var results = await system.Pipeline.WaitForResultsAsync(ids, Patience);

            // Each task stored once; only tasks the killed worker had in hand (WORKER_CONCURRENCY at a time, left at
            // its default here) may have reached ingest twice. The survivor keeps its outcomes until Redis is back.
            Assert.Equal(ids.Count, results.Count);
            Assert.InRange(results.Values.Sum(r => r.Deliveries - 1), 0, new worker::PdfAspire.Worker.Configuration.ProcessingOptions().Concurrency);
            var supervisor = system.App.Services.GetRequiredService<ResourceSupervisor>();
            await Eventually.TrueAsync(() => Task.FromResult(supervisor.Decisions.Any(d => d.ResourceId.StartsWith("redis", StringComparison.Ordinal) && d.Action == SupervisionAction.Restarted)
                    && supervisor.Decisions.Any(d => d.ResourceId.StartsWith("pdf-processor-worker", StringComparison.Ordinal) && d.Action == SupervisionAction.Restarted)),
                Patience, "the supervisor's restarts of Redis and of the killed worker");
            await Eventually.ValueAsync(() => Task.FromResult(new Replicas(system.WorkerProcessIds(), supervisor.Decisions)),
                now => now.Workers.Count == 2 && !now.Workers.Contains(workers[0]), Patience, "the killed worker replaced");
            Assert.NotEqual(redis, await system.ProcessIdAsync("redis"));
        }
        finally
        {
            await system.Pipeline.SetIngestFaultsAsync(failureRate: 0, latencyMs: 0);
        }
    }

    [Fact]
    public async Task AWorkerRestartedWhileRedisIsDown_WaitsForRedis_InsteadOfFailingToStart()
    {
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var supervisor = system.App.Services.GetRequiredService<ResourceSupervisor>();
        var workers = await Eventually.ValueAsync(() => Task.FromResult(system.WorkerProcessIds()), ids => ids.Count == 2,
            TimeSpan.FromMinutes(1), "two worker replicas");
        using var states = new ResourceStateLog(system.App.ResourceNotifications);
        var earlier = supervisor.Decisions.Count;

        // Redis stopped as the dashboard's Stop does it, so the supervisor leaves it down while the worker restarts.
        var stopped = await commands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, TestContext.Current.CancellationToken);
        Assert.True(stopped.Success, stopped.Message);
        SupervisionDecision restart;
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(supervisor.Decisions.Skip(earlier).Any(d => d.ResourceId.StartsWith("redis", StringComparison.Ordinal))),
                TimeSpan.FromMinutes(1), "Redis stopped");
            Process.GetProcessById(workers[0]).Kill();
            restart = (await Eventually.ValueAsync(() => Task.FromResult(supervisor.Decisions.Skip(earlier)
                    .FirstOrDefault(d => d.ResourceId.StartsWith("pdf-processor-worker", StringComparison.Ordinal))),
                d => d is not null, TimeSpan.FromMinutes(1), "the supervisor's decision about the killed worker"))!;
            Assert.Equal(SupervisionAction.Restarted, restart.Action);
            await Eventually.ValueAsync(() => Task.FromResult(states.StatesOf(restart.ResourceId)), s => s.Contains(KnownResourceStates.Waiting),
                TimeSpan.FromMinutes(1), "the restarted worker waiting for Redis");
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand, TestContext.Current.CancellationToken);
            Assert.True(started.Success, started.Message);
        }

        await Eventually.ValueAsync(() => Task.FromResult(new Replicas(system.WorkerProcessIds(), supervisor.Decisions)),
            now => now.Workers.Count == 2 && !now.Workers.Contains(workers[0]), Patience, "the killed worker started once Redis was back");
        Assert.DoesNotContain(KnownResourceStates.FailedToStart, states.StatesOf(restart.ResourceId));
        Assert.Single(supervisor.Decisions.Skip(earlier), d => d.ResourceId == restart.ResourceId);
    }

    [Fact]
    public async Task AStopSomeoneAskedFor_IsNotUndone()
    {
        // As the dashboard's Stop button does it.
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var supervisor = system.App.Services.GetRequiredService<ResourceSupervisor>();

        var stopped = await commands.ExecuteCommandAsync("go-ingest-service", KnownResourceCommands.StopCommand, TestContext.Current.CancellationToken);
        var decision = await Eventually.ValueAsync(() => Task.FromResult(supervisor.Decisions.LastOrDefault(d => d.ResourceId.StartsWith("go-ingest-service", StringComparison.Ordinal))),
            d => d is not null, TimeSpan.FromMinutes(1), "the supervisor's decision about go-ingest-service");

        Assert.True(stopped.Success, stopped.Message);
        Assert.Equal(SupervisionAction.LeftStopped, decision!.Action);
        var started = await commands.ExecuteCommandAsync("go-ingest-service", KnownResourceCommands.StartCommand, TestContext.Current.CancellationToken);
        Assert.True(started.Success, started.Message);
        // Right after the start command the last state seen may still be the stop's Finished; the testing builder's
        // default would take that as a failure to start, so this wait looks past it.
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync("go-ingest-service", WaitBehavior.WaitOnResourceUnavailable, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
    }
}

/// <summary>What the test reads while it waits for a replacement: shown whole if the wait times out.</summary>
internal sealed record Replicas(IReadOnlyList<int> Workers, IReadOnlyCollection<SupervisionDecision> Decisions)
{
    public override string ToString() => $"workers [{string.Join(", ", Workers)}]; decisions [{string.Join(", ", Decisions)}]";
}

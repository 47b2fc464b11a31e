using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace PdfAspire.Tests.LocalRun;

/// <summary>
/// Every state each resource instance passes through while it is open, as the orchestrator publishes them: a wait
/// for a state cannot miss one that lasted only milliseconds, and a test can say a state never came.
/// </summary>
public sealed class ResourceStateLog : IDisposable
{
    private readonly ConcurrentQueue<(string ResourceId, string? State)> _states = new();
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    public ResourceStateLog(ResourceNotificationService notifications) => _ = RecordAsync(notifications);

    public IReadOnlyList<string?> StatesOf(string resourceId) =>
        [.. _states.Where(s => s.ResourceId == resourceId).Select(s => s.State)];

    private async Task RecordAsync(ResourceNotificationService notifications)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(_stop.Token))
            {
                _states.Enqueue((update.ResourceId, update.Snapshot.State?.Text));
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}

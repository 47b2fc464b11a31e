namespace PdfAspire.TaskQueue;

/// <summary>
/// Whether an operator has paused consumption, as this worker last heard: at once from the queue's control channel,
/// and from every heartbeat (in case a message was missed while the connection was down). The consumer waits on it in
/// memory while paused, so a paused or idle worker asks Redis nothing to find out.
/// </summary>
public sealed class PauseSwitch
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _resumed = Resumed();

    public bool IsPaused { get; private set; }

    public void Set(bool paused)
    {
        lock (_lock)
        {
            if (paused == IsPaused)
            {
                return;
            }
            IsPaused = paused;
            if (paused)
            {
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _resumed.TrySetResult();
            }
        }
    }

    /// <summary>Returns once consumption is resumed, or after <paramref name="atMost"/>.</summary>
    public async Task WaitForResumeAsync(TimeSpan atMost, CancellationToken ct)
    {
        Task resumed;
        lock (_lock)
        {
            resumed = _resumed.Task;
        }
        await Task.WhenAny(resumed, Task.Delay(atMost, ct));
        ct.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource Resumed()
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        resumed.SetResult();
        return resumed;
    }
}

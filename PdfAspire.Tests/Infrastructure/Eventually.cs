namespace PdfAspire.Tests.Infrastructure;

/// <summary>Waits for a condition, checking it repeatedly until it holds or the timeout passes (then fails with why).</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan timeout, string what)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        T last = default!;
        try
        {
            while (true)
            {
                last = await read();
                if (holds(last))
                {
                    return last;
                }
                // The pause between two checks of the condition, bounded by the timeout: this helper is the condition
                // wait every test uses, not a sleep standing in for one.
                await Task.Delay(Interval, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {Describe(last)}");
            throw;
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ValueAsync(condition, ok => ok, timeout, what);

    private static string Describe<T>(T value) => value switch
    {
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object>().Take(20))}]",
        _ => value?.ToString() ?? "null",
    };
}

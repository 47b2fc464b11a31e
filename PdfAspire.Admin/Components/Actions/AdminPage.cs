using Microsoft.AspNetCore.Components;
using MudBlazor;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Components.Actions;

/// <summary>
/// A page that reads or changes Redis. Redis can go away between two clicks (a restart, a network blip): what the
/// page was doing then fails with a message on the page, and the circuit lives on to try again.
/// </summary>
public abstract class AdminPage : ComponentBase
{
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    /// <summary>Why the last read or action failed; null when it worked.</summary>
    protected string? RedisProblem { get; private set; }

    /// <summary>Runs <paramref name="work"/>; if Redis fails under it, says what could not be done instead of throwing.</summary>
    /// <param name="doing">What the page was doing, for the message.</param>
    /// <param name="work">The reads or the change.</param>
    /// <param name="notify">False for background refreshes: the page shows the problem, without a popup every few seconds.</param>
    /// <returns>False when Redis failed.</returns>
    protected async Task<bool> WithRedisAsync(string doing, Func<Task> work, bool notify = true)
    {
        try
        {
            await work();
            RedisProblem = null;
            return true;
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            RedisProblem = $"Redis did not answer while {doing}; nothing was changed by this attempt. Try again in a moment.";
            if (notify)
            {
                Snackbar.Add(RedisProblem, Severity.Error);
            }
            return false;
        }
    }
}

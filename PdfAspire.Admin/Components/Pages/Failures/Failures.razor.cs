using MudBlazor;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Components.Pages.Failures;

/// <summary>
/// Dead letters grouped by category, and the operator's ways out: retry (one, selected, a category, all), delete,
/// purge. Bulk actions ask first and report what they did; retries go through the queue's atomic script, so a
/// letter retried twice is queued once.
/// </summary>
public partial class Failures
{
    private IReadOnlyList<DeadLetter> _letters = [];
    private HashSet<DeadLetter> _selected = [];
    private string? _category;
    private ActionResult? _result;
    private bool _loaded;

    [Microsoft.AspNetCore.Components.Inject] private QueueAdministration Queue { get; set; } = default!;

    private IEnumerable<IGrouping<string, DeadLetter>> Groups =>
        _letters.GroupBy(d => d.Category).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);

    private IReadOnlyList<DeadLetter> Visible =>
        [.. _letters.Where(d => _category is null || d.Category == _category).OrderByDescending(d => d.FailedAt)];

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await ReloadAsync();
    }

    private void SelectCategory(string? category)
    {
        _category = category;
        _selected = [];
    }

    private Task RetryOneAsync(DeadLetter letter) => AsOperatorAsync(async () =>
    {
        var retried = await Queue.RetryDeadLetterAsync(letter.TaskId, OperatorName);
        await ReportAsync(retried ? $"Queued {Name(letter)} again." : $"{Name(letter)} was no longer a dead letter.", retried);
    });

    private Task DeleteOneAsync(DeadLetter letter) => AsOperatorAsync(async () =>
    {
        if (await ConfirmAsync("Delete dead letter", $"Delete {Name(letter)}? Its task will not be processed.", "Delete"))
        {
            var deleted = await Queue.DeleteDeadLetterAsync(letter.TaskId);
            await ReportAsync(deleted ? $"Deleted {Name(letter)}." : $"{Name(letter)} was already gone.", deleted);
        }
    });

    private Task RetrySelectedAsync() => AsOperatorAsync(async () =>
    {
        var ids = _selected.Select(d => d.TaskId).ToList();
        if (await ConfirmAsync("Retry selected", $"Queue {ids.Count} selected dead letters again?", "Retry"))
        {
            var retried = await Queue.RetryDeadLettersAsync(ids, OperatorName);
            await ReportAsync(Summary("Queued", retried, ids.Count), retried > 0);
        }
    });

    private Task DeleteSelectedAsync() => AsOperatorAsync(async () =>
    {
        var ids = _selected.Select(d => d.TaskId).ToList();
        if (await ConfirmAsync("Delete selected", $"Delete {ids.Count} selected dead letters? Their tasks will not be processed.", "Delete"))
        {
            var deleted = 0;
            foreach (var id in ids)
            {
                deleted += await Queue.DeleteDeadLetterAsync(id) ? 1 : 0;
            }
            await ReportAsync(Summary("Deleted", deleted, ids.Count), deleted > 0);
        }
    });

    private Task RetryShownAsync() => AsOperatorAsync(async () =>
    {
        var count = Visible.Count;
        if (await ConfirmAsync(_category is null ? "Retry all" : $"Retry {_category}", $"Queue {count} dead letters again?", "Retry"))
        {
            var retried = await Queue.RetryCategoryAsync(_category, OperatorName);
            await ReportAsync(Summary("Queued", retried, count), retried > 0);
        }
    });

    private Task PurgeShownAsync() => AsOperatorAsync(async () =>
    {
        var count = Visible.Count;
        if (await ConfirmAsync(_category is null ? "Purge all" : $"Purge {_category}", $"Delete {count} dead letters for good?", "Purge"))
        {
            var purged = await Queue.PurgeAsync(_category);
            await ReportAsync(Summary("Deleted", (int)purged, count), purged > 0);
        }
    });

    private async Task ReportAsync(string message, bool changed)
    {
        _result = new ActionResult(message, changed ? Severity.Success : Severity.Info);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _letters = await Queue.DeadLettersAsync();
        _loaded = true;
        var ids = _letters.Select(d => d.TaskId).ToHashSet(StringComparer.Ordinal);
        _selected = [.. _selected.Where(d => ids.Contains(d.TaskId))];
        if (_category is not null && _letters.All(d => d.Category != _category))
        {
            _category = null;
        }
    }

    /// <summary>Says how many of the chosen letters were acted on; the rest were retried or deleted meanwhile by someone else.</summary>
    private static string Summary(string verb, int done, int chosen) =>
        done == chosen ? $"{verb} {done} dead letter{(done == 1 ? "" : "s")}." : $"{verb} {done} of {chosen}; the others had already been handled.";

    private static string Name(DeadLetter letter) => letter.FileName ?? letter.TaskId;

    private sealed record ActionResult(string Message, Severity Severity);
}

using MudBlazor;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Components.Pages.Failures;

/// <summary>
/// Dead letters grouped by category, narrowed by a search (file, id, key, error, or a metadata pair) and by age, and
/// the operator's ways out: retry (one, selected, everything matching), edit and retry, delete, purge. Bulk actions
/// count and ask first, act letter by letter through the queue's atomic script (a letter retried twice is queued
/// once), and report what they did.
/// </summary>
public partial class Failures
{
    private IReadOnlyList<DeadLetter> _letters = [];
    private HashSet<DeadLetter> _selected = [];
    private string? _category;
    private ActionResult? _result;
    private bool _loaded;
    private string _filter = "";
    private int _olderThanDays;
    private DeadLetter? _editing;
    private string _editedPayload = "";
    private string? _editError;

    [Microsoft.AspNetCore.Components.Inject] private QueueAdministration Queue { get; set; } = default!;

    [Microsoft.AspNetCore.Components.Inject] private ServedBuckets Buckets { get; set; } = default!;

    [Microsoft.AspNetCore.Components.Inject] private TimeProvider Clock { get; set; } = default!;

    [Microsoft.AspNetCore.Components.Inject] private QueueLanes Lanes { get; set; } = default!;

    /// <summary>Where retries go: each letter's own lane (null), or the lane named.</summary>
    private string? _retryInto;

    private static readonly int[] AgeChoices = [0, 1, 7, 30];

    private bool Filtered => _category is not null || _filter.Trim().Length > 0 || _olderThanDays > 0;

    private IEnumerable<IGrouping<string, DeadLetter>> Groups =>
        _letters.GroupBy(d => d.Category).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);

    private IReadOnlyList<DeadLetter> Visible
    {
        get
        {
            var failedBefore = Clock.GetUtcNow().AddDays(-_olderThanDays);
            return [.. _letters
                .Where(d => _category is null || d.Category == _category)
                .Where(d => _olderThanDays == 0 || d.FailedAt < failedBefore)
                .Where(d => DeadLetterSearch.Matches(d, _filter))
                .OrderByDescending(d => d.FailedAt)];
        }
    }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await WithRedisAsync("reading the dead letters", ReloadAsync);
    }

    private void SelectCategory(string? category)
    {
        _category = category;
        _selected = [];
    }

    private void FilterChanged(string? filter)
    {
        _filter = filter ?? "";
        _selected = [];
    }

    private void AgeChanged(int days)
    {
        _olderThanDays = days;
        _selected = [];
    }

    private void Edit(DeadLetter letter)
    {
        _editing = letter;
        _editedPayload = letter.Payload;
        _editError = null;
    }

    private Task RetryEditedAsync() => AsOperatorAsync(async () =>
    {
        if (_editing is not { } letter)
        {
            return;
        }
        var outcome = await Queue.RetryEditedAsync(letter.TaskId, _editedPayload, OperatorName, Buckets, _retryInto);
        if (outcome.IsQueued)
        {
            _editing = null;
            await ReportAsync(outcome.QueuedAs == letter.TaskId
                ? $"Queued {Name(letter)} again with the edited task."
                : $"Queued the edited task as {outcome.QueuedAs}.", changed: true);
        }
        else
        {
            _editError = outcome.Error;
        }
    });

    private Task RetryOneAsync(DeadLetter letter) => AsOperatorAsync(async () =>
    {
        var retried = await Queue.RetryDeadLetterAsync(letter.TaskId, OperatorName, _retryInto);
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
            var retried = await Queue.RetryDeadLettersAsync(ids, OperatorName, _retryInto);
            await ReportAsync(Summary("Queued", retried, ids.Count), retried > 0);
        }
    });

    private Task DeleteSelectedAsync() => AsOperatorAsync(async () =>
    {
        var ids = _selected.Select(d => d.TaskId).ToList();
        if (await ConfirmAsync("Delete selected", $"Delete {ids.Count} selected dead letters? Their tasks will not be processed.", "Delete"))
        {
            var deleted = await Queue.DeleteDeadLettersAsync(ids);
            await ReportAsync(Summary("Deleted", deleted, ids.Count), deleted > 0);
        }
    });

    /// <summary>Everything the category, search and age select, counted and confirmed first; letter by letter.</summary>
    private Task RetryShownAsync() => AsOperatorAsync(async () =>
    {
        var ids = Visible.Select(d => d.TaskId).ToList();
        if (await ConfirmAsync(Filtered ? "Retry matching" : "Retry all", $"Queue {ids.Count} dead letters again?", "Retry"))
        {
            var retried = await Queue.RetryDeadLettersAsync(ids, OperatorName, _retryInto);
            await ReportAsync(Summary("Queued", retried, ids.Count), retried > 0);
        }
    });

    private Task PurgeShownAsync() => AsOperatorAsync(async () =>
    {
        var ids = Visible.Select(d => d.TaskId).ToList();
        if (await ConfirmAsync(Filtered ? "Delete matching" : "Purge all", $"Delete {ids.Count} dead letters for good? Their tasks will not be processed.", "Delete"))
        {
            var deleted = await Queue.DeleteDeadLettersAsync(ids);
            await ReportAsync(Summary("Deleted", deleted, ids.Count), deleted > 0);
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
        if (_editing is { } editing && !ids.Contains(editing.TaskId))
        {
            _editing = null;
        }
    }

    /// <summary>Says how many of the chosen letters were acted on; the rest were retried or deleted meanwhile by someone else.</summary>
    private static string Summary(string verb, int done, int chosen) =>
        done == chosen ? $"{verb} {done} dead letter{(done == 1 ? "" : "s")}." : $"{verb} {done} of {chosen}; the others had already been handled.";

    private static string Name(DeadLetter letter) => letter.FileName ?? letter.TaskId;

    private sealed record ActionResult(string Message, Severity Severity);
}

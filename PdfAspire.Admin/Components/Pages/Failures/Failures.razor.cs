using MudBlazor;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Components.Pages.Failures;

/// <summary>
/// Dead letters grouped by category, narrowed by a search (file, id, key, error, or a metadata pair) and by age, and
/// the operator's ways out: retry (one, selected, everything matching), edit and retry, delete, purge. The grid reads
/// one page at a time from the dead letters' index (<see cref="DeadLetterPages"/>): the circuit keeps that page and
/// the counts, never every letter, and no payload but the one being edited. Bulk actions count and ask first, act
/// letter by letter through the queue's atomic script (a letter retried twice is queued once), and report what they did.
/// </summary>
public partial class Failures
{
    private const int PageSize = 25;

    private MudDataGrid<DeadLetterSummary>? _grid;
    private IReadOnlyDictionary<string, long> _categories = new Dictionary<string, long>();
    private int _matching;
    private HashSet<DeadLetterSummary> _selected = [];
    private string? _category;
    private ActionResult? _result;
    private string _filter = "";
    private int _olderThanDays;
    private DeadLetter? _editing;
    private string _editedPayload = "";
    private string? _editError;

    [Microsoft.AspNetCore.Components.Inject] private QueueAdministration Queue { get; set; } = default!;

    [Microsoft.AspNetCore.Components.Inject] private DeadLetterPages Pages { get; set; } = default!;

    [Microsoft.AspNetCore.Components.Inject] private ServedBuckets Buckets { get; set; } = default!;

    [Microsoft.AspNetCore.Components.Inject] private TimeProvider Clock { get; set; } = default!;

    [Microsoft.AspNetCore.Components.Inject] private QueueLanes Lanes { get; set; } = default!;

    /// <summary>Where retries go: each letter's own lane (null), or the lane named.</summary>
    private string? _retryInto;

    private static readonly int[] AgeChoices = [0, 1, 7, 30];

    private DeadLetterQuery Query => new(_category, _filter, _olderThanDays > 0 ? Clock.GetUtcNow().AddDays(-_olderThanDays) : null);

    private bool Filtered => Query.IsFiltered;

    private long AllLetters => _categories.Values.Sum();

    private IEnumerable<KeyValuePair<string, long>> Groups =>
        _categories.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal);

    /// <summary>The grid's server-side read: one page of what the category, search and age select.</summary>
    private async Task<GridData<DeadLetterSummary>> LoadPageAsync(GridState<DeadLetterSummary> state, CancellationToken cancellation)
    {
        DeadLetterPage? page = null;
        await WithRedisAsync("reading the dead letters", async () => page = await Pages.PageAsync(Query, state.Page * state.PageSize, state.PageSize));
        if (page is null)
        {
            return new GridData<DeadLetterSummary> { Items = [], TotalItems = 0 };
        }
        // Shown in the grid's toolbar, which renders with the page.
        _matching = page.Matching;
        var shown = page.Letters.Select(l => l.TaskId).ToHashSet(StringComparer.Ordinal);
        _selected = [.. _selected.Where(d => shown.Contains(d.TaskId))];
        return new GridData<DeadLetterSummary> { Items = page.Letters, TotalItems = page.Matching };
    }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await WithRedisAsync("reading the dead letters", ReadCategoriesAsync);
    }

    private async Task ReadCategoriesAsync()
    {
        _categories = await Pages.CategoriesAsync();
        if (_category is not null && !_categories.ContainsKey(_category))
        {
            _category = null;
        }
    }

    private Task SelectCategory(string? category)
    {
        _category = category;
        return FilterChangedAsync();
    }

    private Task SearchChanged(string? filter)
    {
        _filter = filter ?? "";
        return FilterChangedAsync();
    }

    private Task AgeChanged(int days)
    {
        _olderThanDays = days;
        return FilterChangedAsync();
    }

    private Task FilterChangedAsync()
    {
        _selected = [];
        return ReloadAsync();
    }

    private async Task EditAsync(DeadLetterSummary summary) => await WithRedisAsync("reading the dead letter", async () =>
    {
        _editing = await Pages.LetterAsync(summary.TaskId);
        _editedPayload = _editing?.Payload ?? "";
        _editError = null;
        if (_editing is null)
        {
            _result = new ActionResult($"{Name(summary)} is no longer a dead letter.", Severity.Info);
            await ReloadAsync();
        }
    });

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
                ? $"Queued {letter.FileName ?? letter.TaskId} again with the edited task."
                : $"Queued the edited task as {outcome.QueuedAs}.", changed: true);
        }
        else
        {
            _editError = outcome.Error;
        }
    });

    private Task RetryOneAsync(DeadLetterSummary letter) => AsOperatorAsync(async () =>
    {
        var retried = await Queue.RetryDeadLetterAsync(letter.TaskId, OperatorName, _retryInto);
        await ReportAsync(retried ? $"Queued {Name(letter)} again." : $"{Name(letter)} was no longer a dead letter.", retried);
    });

    private Task DeleteOneAsync(DeadLetterSummary letter) => AsOperatorAsync(async () =>
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

    /// <summary>Everything the category, search and age select (not only the page shown), counted and confirmed first; letter by letter.</summary>
    private Task RetryShownAsync() => AsOperatorAsync(async () =>
    {
        var ids = await Pages.IdsAsync(Query);
        if (await ConfirmAsync(Filtered ? "Retry matching" : "Retry all", $"Queue {ids.Count} dead letters again?", "Retry"))
        {
            var retried = await Queue.RetryDeadLettersAsync(ids, OperatorName, _retryInto);
            await ReportAsync(Summary("Queued", retried, ids.Count), retried > 0);
        }
    });

    private Task PurgeShownAsync() => AsOperatorAsync(async () =>
    {
        var ids = await Pages.IdsAsync(Query);
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

    /// <summary>The counts, then the grid's page; the page re-renders with the counts once the caller's event is done.</summary>
    private async Task ReloadAsync()
    {
        await WithRedisAsync("reading the dead letters", ReadCategoriesAsync);
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    /// <summary>Says how many of the chosen letters were acted on; the rest were retried or deleted meanwhile by someone else.</summary>
    private static string Summary(string verb, int done, int chosen) =>
        done == chosen ? $"{verb} {done} dead letter{(done == 1 ? "" : "s")}." : $"{verb} {done} of {chosen}; the others had already been handled.";

    private static string Name(DeadLetterSummary letter) => letter.FileName ?? letter.TaskId;

    private sealed record ActionResult(string Message, Severity Severity);
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using PdfAspire.Admin.Security;

namespace PdfAspire.Admin.Components.Actions;

/// <summary>
/// A page whose actions change the queue. The viewer account sees the buttons disabled, and every action checks the
/// role again on the server, since a disabled button is no protection on its own.
/// </summary>
public abstract class OperatorPage : AdminPage
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] protected IDialogService Dialogs { get; set; } = default!;

    protected bool CanChange { get; private set; }

    protected string OperatorName { get; private set; } = "";

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        CanChange = user.IsInRole(AdminRoles.Operator);
        OperatorName = user.Identity?.Name ?? "unknown";
        await base.OnInitializedAsync();
    }

    /// <summary>
    /// Runs <paramref name="action"/> if the signed-in user may change things; says why not otherwise, and says so if
    /// Redis fails under it.
    /// </summary>
    protected async Task AsOperatorAsync(Func<Task> action)
    {
        if (!CanChange)
        {
            Snackbar.Add("The read-only account cannot change anything.", Severity.Warning);
            return;
        }
        await WithRedisAsync("carrying out the action", action);
    }

    /// <summary>Asks before a bulk action; true when the operator confirms.</summary>
    protected async Task<bool> ConfirmAsync(string title, string question, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, question, yesText: yes, cancelText: "Cancel") == true;
}

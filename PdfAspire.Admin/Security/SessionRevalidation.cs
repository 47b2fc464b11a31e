using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Security;

/// <summary>
/// Checks that a sign-in's server-side session still exists: on every HTTP request (the cookie), and every minute in
/// a live Blazor circuit, so signing out in one tab ends the others too.
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory loggers, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            return await scope.ServiceProvider.GetRequiredService<AdminSessions>().IsActiveAsync(authenticationState.User);
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            // A Redis outage is not a sign-out; the next check decides.
            return true;
        }
    }

    /// <summary>The cookie's check: a cookie whose session has ended (signed out, or Redis unreachable) signs nobody in.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<AdminSessions>();
        bool active;
        try
        {
            active = context.Principal is { } user && await sessions.IsActiveAsync(user);
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            active = false;
        }
        if (!active)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}

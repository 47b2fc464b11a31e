using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Security;

/// <summary>
/// Sign-in and sign-out as plain form posts, both checked for the antiforgery token the sign-in page and the layout's
/// sign-out form carry (minimal APIs check it when they bind a form; sign-out binds none, so it checks itself).
/// </summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/login";

    public static void MapAccountEndpoints(this WebApplication app)
    {
        app.MapPost(SignInPath, async ([FromForm] string? user, [FromForm] string? password, [FromForm] string? returnUrl,
            HttpContext context, SignInService signIn, KnownDevices devices) =>
        {
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            SignInResult result;
            System.Security.Claims.ClaimsPrincipal? principal;
            try
            {
                (result, principal) = await signIn.SignInAsync(user, password, address, user is { } named && devices.IsKnown(context, named));
            }
            catch (Exception e) when (RedisFailure.IsOutage(e))
            {
                // Attempts are counted in Redis: without it, no sign-in is checked at all.
                return Results.LocalRedirect($"{SignInPath}?error=unavailable&returnUrl={Uri.EscapeDataString(LocalOnly(returnUrl))}");
            }
            if (result != SignInResult.SignedIn)
            {
                // Only an error code goes into the URL; never what was typed.
                var error = result == SignInResult.LockedOut ? "locked" : "invalid";
                return Results.LocalRedirect($"{SignInPath}?error={error}&returnUrl={Uri.EscapeDataString(LocalOnly(returnUrl))}");
            }
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal!);
            devices.Remember(context, principal!.Identity!.Name!);
            return Results.LocalRedirect(LocalOnly(returnUrl));
        }).AllowAnonymous();

        app.MapPost("/account/logout", async (HttpContext context, AdminSessions sessions, IAntiforgery antiforgery) =>
        {
            // Binding no form, this endpoint gets no automatic check: without it any page could sign an operator out.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest("The sign-out form's antiforgery token is missing or invalid.");
            }
            // Ends the session in Redis too: a copy of the cookie is worthless from here on.
            await sessions.EndAsync(context.User);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(SignInPath);
        }).RequireAuthorization();
    }

    /// <summary>
    /// Only paths on this site, so a crafted link cannot send an operator elsewhere after sign-in; control characters
    /// (a tab or CR/LF that browsers strip) fall back to the start page rather than reaching the redirect.
    /// </summary>
    public static string LocalOnly(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl)
            ? url
            : "/";
}

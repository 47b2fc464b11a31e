using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace PdfAspire.Admin.Security;

/// <summary>
/// Sign-in and sign-out as plain form posts. Minimal APIs that bind forms validate the antiforgery token, so both
/// need the token the sign-in page and the layout's sign-out form carry.
/// </summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/login";

    public static void MapAccountEndpoints(this WebApplication app)
    {
        app.MapPost(SignInPath, async ([FromForm] string? user, [FromForm] string? password, [FromForm] string? returnUrl,
            HttpContext context, SignInService signIn) =>
        {
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var (result, principal) = await signIn.SignInAsync(user, password, address);
            if (result != SignInResult.SignedIn)
            {
                // Only an error code goes into the URL; never what was typed.
                var error = result == SignInResult.LockedOut ? "locked" : "invalid";
                return Results.LocalRedirect($"{SignInPath}?error={error}&returnUrl={Uri.EscapeDataString(LocalOnly(returnUrl))}");
            }
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal!);
            return Results.LocalRedirect(LocalOnly(returnUrl));
        }).AllowAnonymous();

        app.MapPost("/account/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(SignInPath);
        }).RequireAuthorization();
    }

    /// <summary>Only paths on this site, so a crafted link cannot send an operator elsewhere after sign-in.</summary>
    public static string LocalOnly(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}

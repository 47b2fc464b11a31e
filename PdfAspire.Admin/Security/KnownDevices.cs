using Microsoft.AspNetCore.DataProtection;

namespace PdfAspire.Admin.Security;

/// <summary>
/// Device cookies (OWASP's defence against online guessing that doesn't hand attackers a lockout): a browser that
/// signed in to an account carries a signed cookie saying so, for <see cref="Lifetime"/>. Its sign-ins at that account
/// skip the account-wide budget and backoff, so guesses from elsewhere can slow down only browsers the account has
/// never used. The per-address lockout applies to every browser alike.
/// </summary>
public sealed class KnownDevices(IDataProtectionProvider protection)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("PdfAspire.Admin.KnownDevice").ToTimeLimitedDataProtector();

    public static string CookieName(string account) => $"pdfaspire-device-{account}";

    public bool IsKnown(HttpContext context, string account)
    {
        if (context.Request.Cookies[CookieName(account)] is not { Length: > 0 } cookie)
        {
            return false;
        }
        try
        {
            return _protector.Unprotect(cookie) == account;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Forged, expired, or made with keys this admin no longer has: not a known device.
            return false;
        }
    }

    public void Remember(HttpContext context, string account) =>
        context.Response.Cookies.Append(CookieName(account), _protector.Protect(account, Lifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = AccountEndpoints.SignInPath,
            MaxAge = Lifetime,
            IsEssential = true,
        });
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Admin.Security;

/// <summary>The outcome of one sign-in attempt.</summary>
public enum SignInResult
{
    SignedIn,
    Refused,
    LockedOut,
}

/// <summary>
/// Checks a user name and password against the configured accounts, in constant time, and locks an account out from
/// an address after repeated failures. Attempts are counted in Redis per account and address, so every admin replica
/// sees them, a restart does not reset them, and signing in to one account (the viewer) never clears the count of
/// another (the operator).
/// </summary>
public sealed partial class SignInService(
    IConnectionMultiplexer redis, AdminKeys keys, AdminSessions sessions, IOptions<AdminOptions> options, ILogger<SignInService> logger)
{
    public async Task<(SignInResult Result, ClaimsPrincipal? User)> SignInAsync(string? user, string? password, string address)
    {
        var account = user is AdminRoles.Operator or AdminRoles.Viewer ? user : "unknown";
        var attemptsKey = keys.SignInAttempts(account, address);
        // Counted before the password is looked at, in one step: concurrent guesses each draw their own number, and
        // only the first LockoutAttempts of them are checked at all.
        var attempt = await CountAttemptAsync(attemptsKey);
        if (attempt > options.Value.LockoutAttempts)
        {
            LogLockedOut(account, address);
            return (SignInResult.LockedOut, null);
        }
        var role = RoleFor(user, password ?? "");
        if (role is null)
        {
            LogRefused(account, address);
            return (SignInResult.Refused, null);
        }
        await redis.GetDatabase().KeyDeleteAsync(attemptsKey);
        var sessionId = await sessions.StartAsync(role);
        LogSignedIn(role, address);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, role), new Claim(ClaimTypes.Role, role), new Claim(AdminSessions.ClaimType, sessionId)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return (SignInResult.SignedIn, new ClaimsPrincipal(identity));
    }

    private async Task<long> CountAttemptAsync(string key)
    {
        var tx = redis.GetDatabase().CreateTransaction();
        var attempt = tx.StringIncrementAsync(key);
        // The lockout runs from the first failure: later attempts don't extend it.
        _ = tx.KeyExpireAsync(key, TimeSpan.FromMinutes(options.Value.LockoutMinutes), ExpireWhen.HasNoExpiry);
        await tx.ExecuteAsync();
        return await attempt;
    }

    /// <summary>Both accounts are always compared, so the time taken says nothing about which one (if any) matched.</summary>
    private string? RoleFor(string? user, string password)
    {
        var isOperator = Matches(password, options.Value.OperatorPassword) & (user == AdminRoles.Operator);
        var viewer = options.Value.ViewerPassword;
        var isViewer = !string.IsNullOrEmpty(viewer) & Matches(password, viewer ?? "") & (user == AdminRoles.Viewer);
        return isOperator ? AdminRoles.Operator : isViewer ? AdminRoles.Viewer : null;
    }

    /// <summary>Hashing first makes the comparison constant-time in the length of the secret too.</summary>
    private static bool Matches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in as {Role} from {Address}")]
    private partial void LogSignedIn(string role, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in to {Account} refused from {Address}")]
    private partial void LogRefused(string account, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in to {Account} from {Address} refused: locked out after repeated failures")]
    private partial void LogLockedOut(string account, string address);
}

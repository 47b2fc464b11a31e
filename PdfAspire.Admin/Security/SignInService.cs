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
/// Checks a user name and password against the configured accounts, in constant time, and locks an address out after
/// repeated failures. Failure counts live in Redis, so every admin replica sees them and a restart does not reset them.
/// </summary>
public sealed partial class SignInService(IConnectionMultiplexer redis, QueueKeys keys, IOptions<AdminOptions> options, ILogger<SignInService> logger)
{
    public async Task<(SignInResult Result, ClaimsPrincipal? User)> SignInAsync(string? user, string? password, string address)
    {
        var db = redis.GetDatabase();
        var failuresKey = $"{keys.Pending}:admin:signin-failures:{address}";
        if ((int?)await db.StringGetAsync(failuresKey) >= options.Value.LockoutAttempts)
        {
            LogLockedOut(address);
            return (SignInResult.LockedOut, null);
        }
        var role = RoleFor(user, password ?? "");
        if (role is null)
        {
            var tx = db.CreateTransaction();
            _ = tx.StringIncrementAsync(failuresKey);
            _ = tx.KeyExpireAsync(failuresKey, TimeSpan.FromMinutes(options.Value.LockoutMinutes));
            await tx.ExecuteAsync();
            LogRefused(address);
            return (SignInResult.Refused, null);
        }
        await db.KeyDeleteAsync(failuresKey);
        LogSignedIn(role, address);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, role), new Claim(ClaimTypes.Role, role)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return (SignInResult.SignedIn, new ClaimsPrincipal(identity));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused from {Address}")]
    private partial void LogRefused(string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in from {Address} refused: locked out after repeated failures")]
    private partial void LogLockedOut(string address);
}

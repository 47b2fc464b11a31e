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
/// Checks a user name and password against the configured accounts, in constant time, and slows guessing down twice:
/// an account is locked out from an address after repeated failures, and, from every address together, past a budget
/// of failures each further sign-in from a browser the account doesn't know (<see cref="KnownDevices"/>) waits a
/// backoff that doubles. Attempts are counted in Redis, so every admin replica sees them, a restart does not reset
/// them, and signing in to one account (the viewer) never clears the count of another (the operator).
/// </summary>
public sealed partial class SignInService(
    IConnectionMultiplexer redis, AdminKeys keys, AdminSessions sessions, IOptions<AdminOptions> options, TimeProvider clock, ILogger<SignInService> logger)
{
    /// <param name="user">The account named: operator or viewer (anything else is counted as "unknown").</param>
    /// <param name="password">What was typed.</param>
    /// <param name="address">The client's address, as the connection (or a trusted proxy) gives it.</param>
    /// <param name="knownDevice">The browser has signed in to this account before: no account-wide budget or backoff.</param>
    public async Task<(SignInResult Result, ClaimsPrincipal? User)> SignInAsync(string? user, string? password, string address, bool knownDevice = false)
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
        var accountKey = keys.AccountSignInAttempts(account);
        if (!knownDevice && await AccountWaitAsync(accountKey) is { } wait)
        {
            LogBackoff(account, address, wait.TotalSeconds);
            return (SignInResult.LockedOut, null);
        }
        var role = RoleFor(user, password ?? "");
        if (role is null)
        {
            LogRefused(account, address);
            return (SignInResult.Refused, null);
        }
        await redis.GetDatabase().KeyDeleteAsync(attemptsKey);
        if (!knownDevice)
        {
            // The right password was no guess: it leaves the account's budget as it found it.
            await redis.GetDatabase().ScriptEvaluateAsync(RefundAccountAttempt, [accountKey]);
        }
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

    /// <summary>
    /// Counts one attempt at the account from a browser it doesn't know, before the password is looked at (so
    /// concurrent guesses can't all slip through before the count catches up). Null when the attempt may go on; the
    /// time left when the account is in its backoff.
    /// </summary>
    private async Task<TimeSpan?> AccountWaitAsync(string key)
    {
        var limits = options.Value;
        var wait = (long)await redis.GetDatabase().ScriptEvaluateAsync(CountAccountAttempt, [key],
            [clock.GetUtcNow().ToUnixTimeMilliseconds(), limits.AccountLockoutAttempts, limits.LockoutMinutes * 60,
                limits.AccountBackoffSeconds * 1000L, limits.LockoutMinutes * 60_000L]);
        return wait > 0 ? TimeSpan.FromMilliseconds(wait) : null;
    }

    /// <summary>
    /// KEYS: the account's attempts hash. ARGV: now (ms), the budget, the window (s), the first backoff (ms), the
    /// longest (ms). In a backoff: returns the ms left, counting nothing (waiting attempts can't lengthen it). Else
    /// counts the attempt (the count expires a window after its first); past the budget, the next attempt must wait
    /// the first backoff, doubled for each attempt further past it. Returns 0: go on.
    /// </summary>
    private const string CountAccountAttempt = """
        #!lua
        local now = tonumber(ARGV[1])
        local blocked = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
        if blocked > now then return blocked - now end
        local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        redis.call('EXPIRE', KEYS[1], ARGV[3], 'NX')
        local past = attempts - tonumber(ARGV[2])
        if past > 0 then
          local wait = math.min(tonumber(ARGV[5]), tonumber(ARGV[4]) * 2 ^ (past - 1))
          redis.call('HSET', KEYS[1], 'until', now + wait)
          redis.call('PEXPIRE', KEYS[1], wait, 'GT')
        end
        return 0
        """;

    /// <summary>KEYS: the account's attempts hash. Takes back one attempt, if the hash is still there.</summary>
    private const string RefundAccountAttempt = """
        #!lua
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'attempts', -1) end
        return 0
        """;

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in to {Account} from {Address} refused: the account's failures from every address together passed its budget; browsers it does not know wait {Seconds:F0} s more")]
    private partial void LogBackoff(string account, string address, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in to {Account} from {Address} refused: locked out after repeated failures")]
    private partial void LogLockedOut(string account, string address);
}

using System.Security.Claims;
using System.Security.Cryptography;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Admin.Security;

/// <summary>
/// Server-side record of each sign-in. A cookie alone stays valid until it expires, even after its owner signed out;
/// with the session in Redis, signing out (or an operator deleting the key) ends it on every replica at once.
/// </summary>
public sealed class AdminSessions(IConnectionMultiplexer redis, AdminKeys keys)
{
    public const string ClaimType = "pdfaspire:session";

    /// <summary>A session lives as long as its cookie, renewed while it is used.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public async Task<string> StartAsync(string role)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await redis.GetDatabase().StringSetAsync(keys.AdminSession(id), role, Lifetime);
        return id;
    }

    /// <summary>True (and the session renewed) while the user's session exists.</summary>
    public async Task<bool> IsActiveAsync(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimType) is { Length: > 0 } id
        && await redis.GetDatabase().KeyExpireAsync(keys.AdminSession(id), Lifetime);

    public async Task EndAsync(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(ClaimType) is { Length: > 0 } id)
        {
            await redis.GetDatabase().KeyDeleteAsync(keys.AdminSession(id));
        }
    }
}

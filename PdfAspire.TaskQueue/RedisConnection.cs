using Microsoft.Extensions.Configuration;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Lets the services run from the operations guide's ConfigMap/Secret (docs/guide.md: REDIS_URL, REDIS_PASSWORD) as well as from
/// the connection string Aspire injects. Aspire's wins when both are present.
/// </summary>
public static class RedisConnection
{
    public static void UseGuideVariables(IConfigurationManager configuration, string connectionName)
    {
        var key = $"ConnectionStrings:{connectionName}";
        if (!string.IsNullOrWhiteSpace(configuration[key]))
        {
            return;
        }
        var url = configuration["REDIS_URL"];
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException(
                $"No Redis connection: set REDIS_URL (for example redis://redis:6379) or the Aspire connection string {key}.");
        }
        configuration[key] = ToConfigurationString(url, configuration["REDIS_PASSWORD"]);
    }

    /// <summary>
    /// Turns redis://[:password@]host[:port][/db] (or rediss:// for TLS) or a plain StackExchange.Redis
    /// configuration string into a StackExchange.Redis configuration string.
    /// </summary>
    public static string ToConfigurationString(string url, string? password)
    {
        var parts = new List<string>();
        if (url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new InvalidOperationException("REDIS_URL is not a valid redis:// URL.");
            }
            parts.Add($"{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port)}");
            if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
            {
                parts.Add("ssl=true");
            }
            var userInfoPassword = uri.UserInfo.Split(':', 2) is [_, var p] ? Uri.UnescapeDataString(p) : null;
            password ??= string.IsNullOrEmpty(userInfoPassword) ? null : userInfoPassword;
            if (uri.AbsolutePath.Trim('/') is { Length: > 0 } db && int.TryParse(db, out var database))
            {
                parts.Add($"defaultDatabase={database}");
            }
        }
        else
        {
            parts.Add(url);
        }
        if (!string.IsNullOrEmpty(password))
        {
            parts.Add($"password={password}");
        }
        return string.Join(',', parts);
    }
}

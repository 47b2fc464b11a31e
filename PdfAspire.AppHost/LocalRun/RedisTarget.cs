namespace PdfAspire.AppHost.LocalRun;

/// <summary>A Redis connection string's parts, as the start-up summary shows them and redis-cli needs them.</summary>
/// <param name="Endpoints">Every host:port (several for a cluster).</param>
/// <param name="Password">Its password, if it has one (Aspire's container; the user's own Redis maybe).</param>
/// <param name="Tls">Whether it speaks TLS (ssl=true).</param>
public sealed record RedisTarget(IReadOnlyList<string> Endpoints, string? Password, bool Tls)
{
    /// <summary>Reads a StackExchange.Redis configuration string: endpoints, then key=value options.</summary>
    public static RedisTarget Parse(string connectionString)
    {
        var parts = connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var options = parts.Where(p => p.Contains('=')).Select(p => p.Split('=', 2)).ToDictionary(p => p[0].ToLowerInvariant(), p => p[1]);
        return new RedisTarget([.. parts.Where(p => !p.Contains('='))], options.GetValueOrDefault("password"),
            options.GetValueOrDefault("ssl") is { } ssl && bool.TryParse(ssl, out var tls) && tls);
    }

    /// <summary>
    /// A redis-cli command line for it. Our own Redis's generated password is shown (it is this machine's); the user's
    /// own is never printed: redis-cli reads it from REDISCLI_AUTH, set from REDIS_PASSWORD. <c>-c</c> follows a
    /// cluster's redirects (and does nothing to a single node).
    /// </summary>
    public string Cli(bool external)
    {
        var endpoint = Endpoints.Count > 0 ? Endpoints[0] : "127.0.0.1:6379";
        var colon = endpoint.LastIndexOf(':');
        var command = $"redis-cli -h {endpoint[..colon]} -p {endpoint[(colon + 1)..]}{(Tls ? " --tls" : "")}";
        return (external, Password) switch
        {
            (_, null) => external ? $"{command} -c" : command,
            (true, _) => $"REDISCLI_AUTH=\"$REDIS_PASSWORD\" {command} -c",
            (false, var password) => $"{command} -a {password} --no-auth-warning",
        };
    }
}

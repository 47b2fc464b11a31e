namespace PdfAspire.LocalInfrastructure;

/// <summary>
/// The command lines of the pipeline's infrastructure as local processes: Debian's redis-server, s3rver from npm and
/// the Go ingest stub, each bound to loopback. The AppHost's local mode, the tests and the benchmark all start them
/// from here. Ports are objects, so the AppHost can pass its endpoint references and the others plain numbers.
/// </summary>
public static class LocalCommands
{
    public const string Loopback = "127.0.0.1";

    public const string RedisServer = "redis-server";

    /// <param name="port">The port to listen on, on loopback.</param>
    /// <param name="dataDirectory">Where the append-only file goes.</param>
    /// <param name="durable">
    /// The append-only file written through on every change (<c>appendfsync always</c>), so a restart or a SIGKILL
    /// keeps every queue move; off for throwaway servers.
    /// </param>
    /// <param name="password">Redis requires it (AUTH) when given, as a deployment's Redis does.</param>
    public static List<object> RedisServerArgs(object port, string dataDirectory, bool durable = true, string? password = null)
    {
        // noeviction is Redis's default; said here because anything else could drop queued tasks under memory pressure.
        List<object> args = ["--port", port, "--bind", Loopback, "--save", "", "--maxmemory-policy", "noeviction"];
        args.AddRange(durable ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataDirectory] : ["--appendonly", "no"]);
        if (password is not null)
        {
            args.AddRange(["--requirepass", password]);
        }
        return args;
    }

    public const string Node = "node";

    /// <summary>s3rver accepts only its built-in credentials, as access id and key alike.</summary>
    public const string S3rverCredential = "S3RVER";

    public static string S3rverScript(string repositoryRoot) => Path.Combine(repositoryRoot, "tools", "node_modules", "s3rver", "bin", "s3rver.js");

    /// <summary>The arguments after the script; path-style buckets, <paramref name="bucket"/> created at start.</summary>
    public static List<object> S3rverArgs(object port, string dataDirectory, string bucket) =>
        ["--address", Loopback, "--port", port, "--directory", dataDirectory, "--no-vhost-buckets", "--configure-bucket", bucket];

    /// <summary>What <c>ingest-stub/local.sh build</c> writes.</summary>
    public static string IngestStubBinary(string repositoryRoot) => Path.Combine(repositoryRoot, ".local", "ingest-stub", "bin", "ingest-stub");

    public static List<object> IngestStubArgs(object grpcPort, object httpPort) =>
        ["--bind", Loopback, "--grpc-port", grpcPort, "--http-port", httpPort];
}

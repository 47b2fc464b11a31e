using System.Diagnostics;
using System.Globalization;
using PdfAspire.LocalInfrastructure;
using PdfAspire.TaskQueue;
using System.Net.Http.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using PdfAspire.Storage;
using StackExchange.Redis;

namespace PdfAspire.Testing;

/// <summary>
/// The pipeline's real infrastructure as local processes (Debian's redis-server, s3rver, the Go stub), private to the
/// caller, each of which can be stopped and started again on the same port with the same state. Everything listens on
/// loopback only. Workers are the caller's: <see cref="WorkerEnvironment"/> says how to reach all this.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    public const string Bucket = StorageOptions.DefaultBucket;
    private const string Credential = LocalCommands.S3rverCredential;

    private readonly string _state = Directory.CreateTempSubdirectory("pdfaspire-local-").FullName;
    private readonly int _redisPort = LoopbackPort.Free();
    private readonly int _s3Port = LoopbackPort.Free();
    private readonly int _grpcPort = LoopbackPort.Free();
    private readonly int _stubHttpPort = LoopbackPort.Free();

    private readonly string? _redisPassword;

    private LocalSystem(bool durableRedis, string? redisPassword)
    {
        _redisPassword = redisPassword;
        var s3 = Directory.CreateDirectory(Path.Combine(_state, "s3")).FullName;
        // Durable: the append-only file as the Kubernetes manifests configure it (synced on every write), so a restart
        // or a crash keeps the queue.
        RedisServer = new InfrastructureProcess("redis-server", LocalCommands.RedisServer,
            Strings(LocalCommands.RedisServerArgs(Text(_redisPort), _state, durableRedis, redisPassword)));
        StorageServer = new InfrastructureProcess("s3rver", LocalCommands.Node,
            [LocalCommands.S3rverScript(RepositoryRoot), .. Strings(LocalCommands.S3rverArgs(Text(_s3Port), s3, Bucket))]);
        IngestStub = new InfrastructureProcess("ingest-stub", LocalCommands.IngestStubBinary(RepositoryRoot),
            Strings(LocalCommands.IngestStubArgs(Text(_grpcPort), Text(_stubHttpPort))));
    }

    private static string[] Strings(IEnumerable<object> args) => [.. args.Select(a => (string)a)];

    public InfrastructureProcess RedisServer { get; }
    public InfrastructureProcess StorageServer { get; }
    public InfrastructureProcess IngestStub { get; }

    public ConnectionMultiplexer Redis { get; private set; } = null!;
    public IAmazonS3 S3 { get; private set; } = null!;
    public HttpClient Stub { get; private set; } = null!;

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The Redis Cluster in place of the one redis-server, when started with <c>clusterMasters</c>.</summary>
    public RedisCluster? Cluster { get; private set; }

    /// <summary>How a client reaches Redis, as a StackExchange.Redis configuration string: one node, or every node of the cluster.</summary>
    public string RedisConfiguration => Cluster?.ConfigurationString ?? $"127.0.0.1:{_redisPort}";

    /// <param name="durableRedis">Redis with its append-only file on, so it can be restarted without losing the queue.</param>
    /// <param name="redisPassword">Redis requires this password (AUTH), as the guide's deployment does.</param>
    /// <param name="clusterMasters">When above 0, a Redis Cluster of that many masters, a replica each (<see cref="RedisCluster"/>).</param>
    public static async Task<LocalSystem> StartAsync(bool durableRedis = false, string? redisPassword = null, int clusterMasters = 0)
    {
        var system = new LocalSystem(durableRedis, redisPassword);
        if (clusterMasters > 0)
        {
            system.Cluster = await RedisCluster.StartAsync(clusterMasters);
        }
        else
        {
            system.RedisServer.Start();
        }
        system.StorageServer.Start();
        system.IngestStub.Start();
        // As the product connects: a producer's client, too, must learn of a cluster's failover within seconds.
        var redis = ConfigurationOptions.Parse(system.RedisConfiguration).ForQueue();
        redis.AbortOnConnectFail = false;
        redis.Password = redisPassword;
        // The Redis is the caller's own: it may be emptied between runs.
        redis.AllowAdmin = true;
        system.Redis = await ConnectionMultiplexer.ConnectAsync(redis);
        system.S3 = StorageExtensions.CreateClient(new StorageOptions { Endpoint = $"http://127.0.0.1:{system._s3Port}", AccessId = Credential, AccessKey = Credential });
        system.Stub = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{system._stubHttpPort}") };
        await system.UntilRedisAnswersAsync();
        await system.UntilStorageAnswersAsync();
        await UntilAsync(() => Succeeds(() => system.Stub.GetStringAsync("/healthz")), "the ingest stub");
        return system;
    }

    /// <summary>
    /// What a worker needs to reach this system, as environment variables: the guide's REDIS_URL and REDIS_PASSWORD
    /// when Redis has a password (as from its Kubernetes Secret), else Aspire's connection string.
    /// </summary>
    public Dictionary<string, string> WorkerEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["BUCKET_ENDPOINT"] = $"http://127.0.0.1:{_s3Port}",
            ["BUCKET_ACCESS_ID"] = Credential,
            ["BUCKET_ACCESS_KEY"] = Credential,
            ["GO_GRPC_INGEST_ADDR"] = $"127.0.0.1:{_grpcPort}",
            // Like everything else here, the worker's own ports stay on loopback.
            ["BIND_ADDRESS"] = "127.0.0.1",
        };
        if (_redisPassword is null)
        {
            environment["ConnectionStrings__redis"] = RedisConfiguration;
        }
        else
        {
            environment["REDIS_URL"] = $"redis://127.0.0.1:{_redisPort}";
            environment["REDIS_PASSWORD"] = _redisPassword;
        }
        return environment;
    }

    /// <summary>
    /// Restarts redis-server: as a rolling update would (SIGTERM: it finishes its append-only file), or as a crash
    /// would (<paramref name="kill"/>: SIGKILL), then starts it again on the same port and files.
    /// </summary>
    public async Task RestartRedisAsync(bool kill = false)
    {
        if (Cluster is not null)
        {
            throw new InvalidOperationException("a cluster's nodes are killed one by one: use Cluster");
        }
        await RedisServer.StopAsync(kill);
        RedisServer.Start();
        await UntilRedisAnswersAsync();
    }

    public async Task StopStorageAsync() => await StorageServer.StopAsync(kill: true);

    public async Task StartStorageAsync()
    {
        StorageServer.Start();
        await UntilStorageAnswersAsync();
    }

    /// <summary>Makes ingest fail a share of calls with UNAVAILABLE, and answer after a delay.</summary>
    public async Task SetIngestFaultsAsync(double failureRate, int latencyMs)
    {
        using var response = await Stub.PutAsJsonAsync("/faults", new { failure_rate = failureRate, latency_ms = latencyMs });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>CPU seconds used so far by each infrastructure process, by name.</summary>
    public Dictionary<string, double> InfrastructureCpu() =>
        new[] { RedisServer, StorageServer, IngestStub }.ToDictionary(p => p.Name, p => ProcessCpu.Seconds(p.Id));

    public async Task UploadAsync(string key, byte[] content)
    {
        using var body = new MemoryStream(content);
        // s3rver stores chunk-signed bodies verbatim; plain signing keeps the object byte-for-byte.
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false });
    }

    /// <summary>Empties the queue's keys and the stub's results between runs.</summary>
    public async Task ResetAsync()
    {
        foreach (var server in Redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await server.FlushDatabaseAsync();
        }
        (await Stub.DeleteAsync("/results")).EnsureSuccessStatusCode();
    }

    public async Task<int> StoredAsync() => (await Stub.GetFromJsonAsync<StubStats>("/stats"))!.Stored;

    private Task UntilRedisAnswersAsync() =>
        UntilAsync(async () => Redis.IsConnected && await Succeeds(() => Redis.GetDatabase().PingAsync()),
            () => $"redis-server (it printed: {RedisServer.Output})");

    private Task UntilStorageAnswersAsync() =>
        // A bucket listing: s3rver fails any listing it has to truncate (its continuation tokens need a cipher Node dropped).
        UntilAsync(() => Succeeds(() => S3.ListBucketsAsync()),
            () => $"s3rver (last error {LastFailure}; it printed: {StorageServer.Output})");

    private static string? LastFailure { get; set; }

    private static async Task<bool> Succeeds(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or RedisException or AmazonServiceException or IOException)
        {
            LastFailure = e.GetType().Name + ": " + e.Message;
            return false;
        }
    }

    /// <summary>Waits for a condition, checking every 100 ms, for at most a minute.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what) => UntilAsync(condition, () => what);

    private static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"{what()} did not become ready within a minute");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Polls a completion condition every <paramref name="intervalMs"/>. On two cores polling costs the pipeline CPU,
    /// so throughput runs poll every 20 ms (at most 0.1 % of a ~25 s run) and latency runs take their times from
    /// the stub's own timestamps rather than from when the poll noticed.
    /// </summary>
    public static async Task UntilDoneAsync(Func<Task<bool>> condition, int intervalMs = 20)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException("the run did not finish within 30 minutes");
            }
            await Task.Delay(intervalMs);
        }
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PdfAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("run from within the PdfAspire repository");
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        S3.Dispose();
        Stub.Dispose();
        await IngestStub.DisposeAsync();
        await StorageServer.DisposeAsync();
        await RedisServer.DisposeAsync();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
        Directory.Delete(_state, recursive: true);
    }

    private sealed record StubStats(int Stored);
}

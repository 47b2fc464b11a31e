using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using PdfAspire.Storage;
using StackExchange.Redis;

namespace PdfAspire.Benchmarks;

/// <summary>
/// The pipeline's real infrastructure as local processes (Debian's redis-server, s3rver, the Go stub), private to the
/// benchmark, plus worker processes started per configuration. Everything listens on loopback only.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    public const string Bucket = StorageOptions.DefaultBucket;
    private const string Credential = "S3RVER";

    private readonly List<(string Name, Process Process)> _infrastructure = [];
    private readonly string _state = Directory.CreateTempSubdirectory("pdfaspire-bench-").FullName;
    private int _redisPort;
    private int _s3Port;
    private int _grpcPort;
    private int _stubHttpPort;

    public ConnectionMultiplexer Redis { get; private set; } = null!;
    public IAmazonS3 S3 { get; private set; } = null!;
    public HttpClient Stub { get; private set; } = null!;

    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<LocalSystem> StartAsync()
    {
        var system = new LocalSystem();
        await system.StartInfrastructureAsync();
        return system;
    }

    private async Task StartInfrastructureAsync()
    {
        (_redisPort, _s3Port, _grpcPort, _stubHttpPort) = (FreePort(), FreePort(), FreePort(), FreePort());
        Start("redis-server", "--port", Text(_redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        Start("node", Path.Combine(RepositoryRoot, "tools", "node_modules", "s3rver", "bin", "s3rver.js"), "--address", "127.0.0.1",
            "--port", Text(_s3Port), "--directory", Directory.CreateDirectory(Path.Combine(_state, "s3")).FullName, "--no-vhost-buckets",
            "--configure-bucket", Bucket);
        Start(Path.Combine(RepositoryRoot, ".local", "ingest-stub", "bin", "ingest-stub"), "--bind", "127.0.0.1",
            "--grpc-port", Text(_grpcPort), "--http-port", Text(_stubHttpPort));

        var redis = ConfigurationOptions.Parse($"127.0.0.1:{_redisPort}");
        redis.AbortOnConnectFail = false;
        // The Redis is the benchmark's own: it empties it between runs.
        redis.AllowAdmin = true;
        Redis = await ConnectionMultiplexer.ConnectAsync(redis);
        S3 = StorageExtensions.CreateClient(new StorageOptions { Endpoint = $"http://127.0.0.1:{_s3Port}", AccessId = Credential, AccessKey = Credential });
        Stub = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_stubHttpPort}") };
        await UntilAsync(async () => Redis.IsConnected && await Succeeds(() => Redis.GetDatabase().PingAsync()), "redis-server");
        await UntilAsync(() => Succeeds(() => S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket })), "s3rver");
        await UntilAsync(() => Succeeds(() => Stub.GetStringAsync("/healthz")), "the ingest stub");
    }

    /// <summary>CPU seconds used so far by each infrastructure process, by name.</summary>
    public Dictionary<string, double> InfrastructureCpu() => _infrastructure.ToDictionary(p => p.Name, p => ProcessCpu.Seconds(p.Process.Id));

    public async Task UploadAsync(string key, byte[] content)
    {
        using var body = new MemoryStream(content);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false });
    }

    /// <summary>Empties the queue's keys and the stub's results between runs.</summary>
    public async Task ResetAsync()
    {
        await Redis.GetServer(Redis.GetEndPoints()[0]).FlushDatabaseAsync();
        (await Stub.DeleteAsync("/results")).EnsureSuccessStatusCode();
    }

    public async Task<int> StoredAsync() => (await Stub.GetFromJsonAsync<StubStats>("/stats"))!.Stored;

    public async Task<WorkerProcess> StartWorkerAsync(int concurrency)
    {
        var metricsPort = FreePort();
        var assembly = Path.Combine(RepositoryRoot, "PdfAspire.Worker", "bin", "Release", "net10.0", "PdfAspire.Worker.dll");
        var start = new ProcessStartInfo("dotnet", [assembly]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ConnectionStrings__redis"] = $"127.0.0.1:{_redisPort}";
        start.Environment["BUCKET_ENDPOINT"] = $"http://127.0.0.1:{_s3Port}";
        start.Environment["BUCKET_ACCESS_ID"] = Credential;
        start.Environment["BUCKET_ACCESS_KEY"] = Credential;
        start.Environment["GO_GRPC_INGEST_ADDR"] = $"127.0.0.1:{_grpcPort}";
        start.Environment["GRPC_SERVER_PORT"] = Text(FreePort());
        start.Environment["METRICS_PORT"] = Text(metricsPort);
        start.Environment["WORKER_CONCURRENCY"] = Text(concurrency);
        start.Environment["WORKER_ID"] = $"bench-{Guid.NewGuid():N}"[..20];
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var worker = new WorkerProcess(Process.Start(start)!, metricsPort);
        await UntilAsync(worker.IsHealthyAsync, "a worker");
        return worker;
    }

    private void Start(string fileName, params string[] args)
    {
        var process = Process.Start(new ProcessStartInfo(fileName, args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {fileName}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _infrastructure.Add((Path.GetFileName(fileName) == "node" ? "s3rver" : Path.GetFileName(fileName), process));
    }

    private static async Task<bool> Succeeds(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or RedisException or AmazonServiceException or IOException)
        {
            return false;
        }
    }

    /// <summary>Waits for a condition, checking every 100 ms, for at most a minute.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"{what} did not become ready within a minute");
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

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PdfAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("run the benchmark from within the PdfAspire repository");
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        S3.Dispose();
        Stub.Dispose();
        foreach (var (_, process) in _infrastructure)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        Directory.Delete(_state, recursive: true);
    }

    private sealed record StubStats(int Stored);
}

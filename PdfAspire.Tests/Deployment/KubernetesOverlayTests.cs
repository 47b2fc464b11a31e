using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using PdfAspire.TaskQueue;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// Every overlay renders over the base aspirate really writes, loads strictly, passes the API schemas (KEDA's
/// included), and agrees with the AppHost's manifest, the operations guide (docs/guide.md) and the settings the services really read.
/// </summary>
public sealed class KubernetesOverlayTests
{
    public const string Namespace = "pdf-processing";
    public const string Worker = "pdf-processor-worker";

    public static TheoryData<string> Overlays => [.. DeployPath.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Overlay_Renders_LoadsStrictly_AndPassesTheApiSchemas(string overlay)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);

        Assert.NotEmpty(rendered.Objects);
        var validation = await ValidateWithSchemasAsync(rendered.Objects);
        Assert.True(validation.ExitCode == 0, $"{overlay}: schema validation failed:\n{validation.Output}");
        Assert.All(rendered.Objects.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal(Namespace, o.Metadata.NamespaceProperty));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Worker_CarriesItsPortsProbesAndDrainTime(string overlay)
    {
        var deploy = await DeployPath.GetAsync();
        var rendered = await deploy.RenderAsync(overlay);
        var worker = rendered.Deployment(Worker);
        var pod = worker.Spec.Template;
        var container = Assert.Single(pod.Spec.Containers);
        var config = rendered.Named<V1ConfigMap>("pdf-processor-config").Data;

        // aspirate's label and selector, unchanged: a Deployment's selector is immutable.
        Assert.Equal(Worker, worker.Spec.Selector.MatchLabels["app"]);
        Assert.Equal(Worker, pod.Metadata.Labels["app"]);
        var bindings = deploy.Resource(Worker).GetProperty("bindings");
        Assert.Equal(bindings.GetProperty("grpc").GetProperty("targetPort").GetInt32(), container.Ports.Single(p => p.Name == "grpc").ContainerPort);
        Assert.Equal(bindings.GetProperty("metrics").GetProperty("targetPort").GetInt32(), container.Ports.Single(p => p.Name == "metrics").ContainerPort);
        Assert.Equal(config["GRPC_SERVER_PORT"], container.Ports.Single(p => p.Name == "grpc").ContainerPort.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(config["METRICS_PORT"], container.Ports.Single(p => p.Name == "metrics").ContainerPort.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath, container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath, container.LivenessProbe.HttpGet.Path);
        Assert.Equal(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath, container.StartupProbe.HttpGet.Path);
        Assert.All([container.ReadinessProbe, container.LivenessProbe, container.StartupProbe], p => Assert.Equal("metrics", p.HttpGet.Port.Value));
        // The pod outlives the drain, which outlives the longest document.
        Assert.True(pod.Spec.TerminationGracePeriodSeconds > long.Parse(config["SHUTDOWN_GRACE_SECONDS"], CultureInfo.InvariantCulture));
        Assert.True(int.Parse(config["SHUTDOWN_GRACE_SECONDS"], CultureInfo.InvariantCulture) > int.Parse(config["DOCUMENT_TIMEOUT_SECONDS"], CultureInfo.InvariantCulture));
        Assert.NotNull(container.Lifecycle.PreStop.Sleep);
        Assert.Equal(["pdf-processor-config"], container.EnvFrom.Select(e => e.ConfigMapRef?.Name));
        Assert.NotNull(container.Resources?.Requests);
        Assert.NotNull(container.Resources?.Limits);
    }

    [Fact]
    public async Task Configuration_HoldsTheGuidesVariables_AndOnlySettingsTheServicesRead()
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync("medium");
        var config = rendered.Named<V1ConfigMap>("pdf-processor-config").Data;
        var secret = rendered.Named<V1Secret>("pdf-processor-secrets").Data;
        string[] guideConfig = ["REDIS_URL", "REDIS_QUEUE_NAME", "GO_GRPC_INGEST_ADDR", "GRPC_SERVER_PORT", "BUCKET_ENDPOINT"];
        string[] guideSecret = ["REDIS_PASSWORD", "BUCKET_ACCESS_ID", "BUCKET_ACCESS_KEY"];
        var known = SettingNames();

        Assert.All(guideConfig, k => Assert.Contains(k, config.Keys));
        Assert.All(guideSecret, k => Assert.Contains(k, secret.Keys));
        Assert.All(config.Keys.Concat(secret.Keys), k => Assert.True(known.Contains(k), $"{k} is read by no service"));
        Assert.Equal(QueueOptions.DefaultName, config["REDIS_QUEUE_NAME"]);
        // Addresses point at the Services aspirate writes for the manifest's resources.
        var services = rendered.OfType<V1Service>().ToDictionary(s => s.Metadata.Name);
        Assert.Contains(services["go-ingest-service"].Spec.Ports, p => config["GO_GRPC_INGEST_ADDR"] == $"go-ingest-service:{p.Port}");
        Assert.Contains(services["minio"].Spec.Ports, p => config["BUCKET_ENDPOINT"] == $"http://minio:{p.Port}");
        Assert.Contains(services["redis"].Spec.Ports, p => config["REDIS_URL"] == $"redis://redis:{p.Port}");
        // The worker's own validation accepts the endpoint (aspirate's minio:9000 had no scheme).
        Assert.True(Uri.TryCreate(config["BUCKET_ENDPOINT"], UriKind.Absolute, out var endpoint) && endpoint.Scheme == "http");
    }

    /// <summary>
    /// Each profile's Redis evicts nothing (at its maxmemory it refuses writes: nothing queued is dropped) and its
    /// retention fits: the task histories it allows, at the measured ceiling per task, and the result details' window
    /// take at most 60 % of maxmemory, leaving the rest to the backlog, the dead letters and the rest of the queue;
    /// the container leaves room above maxmemory for the append-only file's rewrite.
    /// </summary>
    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Redis_EvictsNothing_AndTheRetentionFitsItsMemory(string overlay)
    {
        const long BytesPerHistory = 1_100;
        const long BytesPerDetails = 4_096;
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);
        var config = rendered.Named<V1ConfigMap>("pdf-processor-config").Data;
        var redis = Assert.Single(rendered.Deployment("redis").Spec.Template.Spec.Containers);
        var command = string.Join(' ', redis.Args);

        Assert.Contains("--maxmemory-policy noeviction", command, StringComparison.Ordinal);
        Assert.Contains("--maxmemory \"$REDIS_MAXMEMORY\"", command, StringComparison.Ordinal);
        var maxmemory = RedisBytes(redis.Env.Single(e => e.Name == "REDIS_MAXMEMORY").Value);
        // Each lane keeps its own histories and details.
        var lanes = new QueueOptions { Lanes = config["REDIS_QUEUE_LANES"] }.LaneSettings.Count;
        var kept = lanes * (long.Parse(config["TASK_HISTORY_MAX_TASKS"], CultureInfo.InvariantCulture) * BytesPerHistory
            + long.Parse(config["TASK_DETAILS_MAX_TASKS"], CultureInfo.InvariantCulture) * BytesPerDetails);
        Assert.True(kept <= maxmemory * 6 / 10, $"{overlay}: retention keeps up to {kept:N0} bytes of a {maxmemory:N0}-byte Redis");
        Assert.True(redis.Resources.Limits["memory"].ToDecimal() >= 1.5m * maxmemory, $"{overlay}: no room for the append-only file's rewrite");
        Assert.Equal(TimeSpan.FromDays(7).TotalSeconds.ToString(CultureInfo.InvariantCulture), config["TASK_HISTORY_RETENTION_SECONDS"]);
    }

    /// <summary>Redis's memory units: "256mb" is 256 MiB (Redis reads mb as 1024², m as 1000²), "2gb" is 2 GiB.</summary>
    private static long RedisBytes(string value)
    {
        var digits = new string([.. value.TakeWhile(char.IsDigit)]);
        var unit = value[digits.Length..].ToLowerInvariant();
        return long.Parse(digits, CultureInfo.InvariantCulture) * unit switch
        {
            "" => 1,
            "kb" => 1L << 10,
            "mb" => 1L << 20,
            "gb" => 1L << 30,
            _ => throw new FormatException($"unexpected Redis memory unit in {value}"),
        };
    }

    [Fact]
    public async Task WorkerService_IsHeadless_OnTheGuidesPorts_OverTheWorkerPods()
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync("medium");

        var service = rendered.Named<V1Service>(Worker);

        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.Equal(rendered.Deployment(Worker).Spec.Template.Metadata.Labels["app"], service.Spec.Selector["app"]);
        Assert.Equal([50052, 8000], service.Spec.Ports.Select(p => p.Port));
    }

    [Fact]
    public async Task Policies_ProtectTheWorkerPods_AsTheGuideAsks_WithWhatItForgot()
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync("medium");
        var pdb = rendered.Named<V1PodDisruptionBudget>("pdf-processor-pdb");
        var policy = rendered.Named<V1NetworkPolicy>("pdf-processor-network-policy");
        var quota = rendered.Named<V1ResourceQuota>("pdf-processor-quota");
        var workerLabels = rendered.Deployment(Worker).Spec.Template.Metadata.Labels;
        var appLabels = rendered.PodTemplates().Select(w => w.Pod.Metadata.Labels["app"]).ToHashSet();

        Assert.Equal(1, Number(pdb.Spec.MinAvailable));
        Assert.Equal(workerLabels["app"], pdb.Spec.Selector.MatchLabels["app"]);
        Assert.Equal(workerLabels["app"], policy.Spec.PodSelector.MatchLabels["app"]);
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
        Assert.Equal([50052, 8000], policy.Spec.Ingress.SelectMany(r => r.Ports).Select(p => Number(p.Port)));
        var egressApps = policy.Spec.Egress.SelectMany(r => r.To).Select(t => t.PodSelector?.MatchLabels is { } labels && labels.TryGetValue("app", out var app) ? app : null).OfType<string>().ToList();
        Assert.Equal(["redis", "minio", "go-ingest-service"], egressApps);
        // Each peer is a pod the rendered output really labels so.
        Assert.All(egressApps, app => Assert.Contains(app, appLabels));
        Assert.Contains(policy.Spec.Ingress.SelectMany(r => r.FromProperty), f => f.PodSelector?.MatchLabels?["app"] == "go-ingest-service");
        Assert.Contains(policy.Spec.Egress, r => r.Ports.Any(p => p.Protocol == "UDP" && Number(p.Port) == 53));
        Assert.Equal("20", quota.Spec.Hard["requests.cpu"].ToString());
        Assert.Equal("50", quota.Spec.Hard["pods"].ToString());
        Assert.Single(rendered.OfType<V1LimitRange>());
    }

    [Fact]
    public async Task Redis_KeepsEveryTask_WithAnAppendOnlyFileOnAPersistentVolume()
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync("medium");
        var redis = rendered.Deployment("redis");
        var container = Assert.Single(redis.Spec.Template.Spec.Containers);

        Assert.Contains("--appendonly yes", string.Join(' ', container.Args), StringComparison.Ordinal);
        Assert.Contains("--requirepass \"$REDIS_PASSWORD\"", string.Join(' ', container.Args), StringComparison.Ordinal);
        Assert.Equal("/data", container.VolumeMounts.Single().MountPath);
        Assert.Equal("redis-data", redis.Spec.Template.Spec.Volumes.Single().PersistentVolumeClaim.ClaimName);
        Assert.Equal("Recreate", redis.Spec.Strategy.Type);
        Assert.Single(rendered.OfType<V1PersistentVolumeClaim>(), c => c.Metadata.Name == "redis-data");
    }

    [Fact]
    public async Task Minio_IsAStatefulSet_WithItsCredentialsFromTheSecret_AndAVolumeSizedBeforeTheFirstApply()
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync("medium");
        var minio = rendered.Named<V1StatefulSet>("minio");
        var container = Assert.Single(minio.Spec.Template.Spec.Containers);
        var claim = Assert.Single(minio.Spec.VolumeClaimTemplates);

        Assert.Equal(new ResourceQuantity("20Gi"), claim.Spec.Resources.Requests["storage"]);
        Assert.Equal(claim.Metadata.Name, container.VolumeMounts.Single(m => m.MountPath == "/data").Name);
        Assert.Equal("BUCKET_ACCESS_ID", container.Env.Single(e => e.Name == "MINIO_ROOT_USER").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("BUCKET_ACCESS_KEY", container.Env.Single(e => e.Name == "MINIO_ROOT_PASSWORD").ValueFrom.SecretKeyRef.Key);
        Assert.Null(container.EnvFrom);
        Assert.DoesNotContain(rendered.OfType<V1Deployment>(), d => d.Metadata.Name == "minio");
    }

    [Theory]
    [InlineData("small", 2, "250m", "512Mi", "1", "2Gi")]
    [InlineData("medium", 3, "500m", "1Gi", "2", "4Gi")]
    [InlineData("large", 5, "1", "2Gi", "4", "8Gi")]
    [InlineData("keda", 3, "500m", "1Gi", "2", "4Gi")]
    public async Task Profiles_SetTheGuidesReplicasAndResources(string overlay, int replicas, string cpuRequest, string memoryRequest, string cpuLimit, string memoryLimit)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);
        var worker = rendered.Deployment(Worker);
        var resources = worker.Spec.Template.Spec.Containers.Single().Resources;

        Assert.Equal(replicas, worker.Spec.Replicas);
        Assert.Equal(new ResourceQuantity(cpuRequest), resources.Requests["cpu"]);
        Assert.Equal(new ResourceQuantity(memoryRequest), resources.Requests["memory"]);
        Assert.Equal(new ResourceQuantity(cpuLimit), resources.Limits["cpu"]);
        Assert.Equal(new ResourceQuantity(memoryLimit), resources.Limits["memory"]);
    }

    [Theory]
    [InlineData("medium", 2, 10)]
    [InlineData("large", 5, 20)]
    public async Task Hpa_ScalesTheWorkerOnCpu(string overlay, int min, int max)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);

        var hpa = Assert.Single(rendered.OfType<V2HorizontalPodAutoscaler>());

        Assert.Equal(Worker, hpa.Spec.ScaleTargetRef.Name);
        Assert.Equal(min, hpa.Spec.MinReplicas);
        Assert.Equal(max, hpa.Spec.MaxReplicas);
        Assert.Equal(70, hpa.Spec.Metrics.Single().Resource.Target.AverageUtilization);
        Assert.Empty(rendered.OfType<ScaledObject>());
    }

    /// <summary>KEDA reads each lane's length (one trigger per lane of REDIS_QUEUE_LANES) and scales on their sum.</summary>
    [Fact]
    public async Task Keda_ScalesOnTheLanesTogether_WithThePasswordFromTheSecret()
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync("keda");

        var scaled = Assert.Single(rendered.OfType<ScaledObject>());
        var lanes = new QueueOptions { Lanes = rendered.Named<V1ConfigMap>("pdf-processor-config").Data["REDIS_QUEUE_LANES"] }.LaneSettings;
        Assert.Equal(Worker, scaled.Spec.ScaleTargetRef.Name);
        Assert.Equal(lanes.Select(l => l.Name), scaled.Spec.Triggers.Select(t => t.Metadata["listName"]));
        Assert.Contains(QueueOptions.DefaultName, scaled.Spec.Triggers.Select(t => t.Metadata["listName"]));
        var modifiers = scaled.Spec.Advanced?.ScalingModifiers;
        Assert.Equal(string.Join(" + ", scaled.Spec.Triggers.Select(t => t.Name)), modifiers?.Formula);
        Assert.Equal(("5", "AverageValue"), (modifiers?.Target, modifiers?.MetricType));
        foreach (var trigger in scaled.Spec.Triggers)
        {
            var auth = rendered.OfType<TriggerAuthentication>().Single(a => a.Metadata.Name == trigger.AuthenticationRef?.Name);
            var secretRef = Assert.Single(auth.Spec.SecretTargetRef);
            Assert.Equal("redis", trigger.Type);
            Assert.StartsWith("redis.", trigger.Metadata["address"], StringComparison.Ordinal);
            Assert.Equal("password", secretRef.Parameter);
            Assert.Contains(secretRef.Key, rendered.Named<V1Secret>(secretRef.Name).Data.Keys);
        }
        Assert.Empty(rendered.OfType<V2HorizontalPodAutoscaler>());
    }

    /// <summary>
    /// The external-redis component, as a user writes it into an overlay with a profile and KEDA: no Redis of ours is
    /// left, and the workers, the admin, KEDA and the NetworkPolicy all point at the user's.
    /// </summary>
    [Fact]
    public async Task ExternalRedis_TakesThePlaceOfTheInClusterOne_Everywhere()
    {
        var deploy = await DeployPath.GetAsync();
        var component = Path.Combine(deploy.Scratch, "deploy", "k8s", "components", "external-redis");
        await File.WriteAllLinesAsync(Path.Combine(component, "external-redis.env"),
            ["REDIS_URL=rediss://redis.example.internal:6380", "REDIS_ADDRESS=redis.example.internal:6380", "REDIS_EGRESS_CIDR=10.20.0.0/24", "REDIS_PORT=6380"],
            TestContext.Current.CancellationToken);

        var rendered = await deploy.RenderCustomAsync("external-redis", """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: pdf-processing
            resources:
              - ../../core
            components:
              - ../../components/profile-medium
              - ../../components/autoscaling-keda
              - ../../components/external-redis
            """);

        Assert.DoesNotContain(rendered.OfType<V1Deployment>(), d => d.Metadata.Name == "redis");
        Assert.DoesNotContain(rendered.OfType<V1Service>(), s => s.Metadata.Name == "redis");
        Assert.DoesNotContain(rendered.OfType<V1PersistentVolumeClaim>(), c => c.Metadata.Name == "redis-data");
        Assert.DoesNotContain(rendered.OfType<V1ConfigMap>(), c => c.Metadata.Name == "external-redis");
        Assert.Equal("rediss://redis.example.internal:6380", rendered.Named<V1ConfigMap>("pdf-processor-config").Data["REDIS_URL"]);
        Assert.All(Assert.Single(rendered.OfType<ScaledObject>()).Spec.Triggers,
            t => Assert.Equal("redis.example.internal:6380", t.Metadata["address"]));
        var egress = rendered.Named<V1NetworkPolicy>("pdf-processor-network-policy").Spec.Egress;
        var toRedis = Assert.Single(egress, rule => rule.To.Any(peer => peer.IpBlock is not null));
        Assert.Equal("10.20.0.0/24", toRedis.To.Single().IpBlock.Cidr);
        Assert.Equal("6380", toRedis.Ports.Single().Port.Value);
        Assert.DoesNotContain(egress, rule => rule.To.Any(peer => peer.PodSelector?.MatchLabels is { } labels && labels.TryGetValue("app", out var app) && app == "redis"));
        var (exitCode, output) = await ValidateWithSchemasAsync(rendered.Objects);
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Small_RunsFixedReplicas_WithoutAnAutoscaler()
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync("small");

        Assert.Empty(rendered.OfType<V2HorizontalPodAutoscaler>());
        Assert.Empty(rendered.OfType<ScaledObject>());
    }

    [Fact]
    public async Task EveryManifestResource_BecomesOneWorkload_UnderItsName()
    {
        var deploy = await DeployPath.GetAsync();
        var rendered = await deploy.RenderAsync("medium");
        var deployable = deploy.Manifest.GetProperty("resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() is { } type && (type.StartsWith("container.", StringComparison.Ordinal) || type.StartsWith("project.", StringComparison.Ordinal)))
            .Select(r => r.Name).Order();

        Assert.Equal(deployable, rendered.PodTemplates().Select(w => w.Name).Order());
    }

    public static int Number(IntOrString value) =>
        value.Value is string s ? int.Parse(s, CultureInfo.InvariantCulture) : Convert.ToInt32(value.Value, CultureInfo.InvariantCulture);

    /// <summary>Every setting name the worker, admin and shared libraries read, off their option classes.</summary>
    public static HashSet<string> SettingNames()
    {
        var worker = Assembly.LoadFrom(Infrastructure.TestWorkers.WorkerAssembly());
        Assembly[] assemblies = [worker, typeof(QueueOptions).Assembly, typeof(Storage.StorageOptions).Assembly, typeof(PdfAspire.Admin.Security.AdminOptions).Assembly];
        var bound = assemblies.SelectMany(a => a.GetTypes()).SelectMany(t => t.GetProperties())
            .Select(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name).OfType<string>();
        // Read by RedisConnection, not bound to an options class: the guide's pair beside Aspire's connection string.
        return [.. bound, "REDIS_URL", "REDIS_PASSWORD"];
    }

    private static async Task<(int ExitCode, string Output)> ValidateWithSchemasAsync(IReadOnlyList<object> objects)
    {
        var json = "[" + string.Join(",", objects.Select(o => KubernetesJson.Serialize(o))) + "]";
        var start = new ProcessStartInfo("node", [Path.Combine(DeployPath.RepositoryRoot, "tools", "validate-k8s.mjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(DeployPath.RepositoryRoot, "tools"),
        };
        using var node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(json);
        node.StandardInput.Close();
        var output = await node.StandardOutput.ReadToEndAsync() + await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        return (node.ExitCode, output);
    }
}

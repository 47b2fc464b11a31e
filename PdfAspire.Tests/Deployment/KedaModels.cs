using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PdfAspire.Tests.Deployment;

// Typed models of the KEDA objects our overlays use, with exactly the fields KEDA 2.12+ defines for them, so the
// strict YAML load rejects a misspelled or invented field as it does for built-in kinds.

public sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>
{
    public const string KedaApiVersion = "keda.sh/v1alpha1";

    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = KedaApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = "ScaledObject";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public ScaledObjectSpec Spec { get; set; } = new();
}

public sealed class ScaledObjectSpec
{
    [JsonPropertyName("scaleTargetRef")] public ScaleTarget ScaleTargetRef { get; set; } = new();
    [JsonPropertyName("minReplicaCount")] public int? MinReplicaCount { get; set; }
    [JsonPropertyName("maxReplicaCount")] public int? MaxReplicaCount { get; set; }
    [JsonPropertyName("pollingInterval")] public int? PollingInterval { get; set; }
    [JsonPropertyName("cooldownPeriod")] public int? CooldownPeriod { get; set; }
    [JsonPropertyName("idleReplicaCount")] public int? IdleReplicaCount { get; set; }
    [JsonPropertyName("advanced")] public AdvancedConfig? Advanced { get; set; }
    [JsonPropertyName("triggers")] public List<ScaleTrigger> Triggers { get; set; } = [];
}

public sealed class AdvancedConfig
{
    [JsonPropertyName("scalingModifiers")] public ScalingModifiers? ScalingModifiers { get; set; }
    [JsonPropertyName("restoreToOriginalReplicaCount")] public bool? RestoreToOriginalReplicaCount { get; set; }
}

/// <summary>KEDA 2.12+: one metric computed from the named triggers' metrics.</summary>
public sealed class ScalingModifiers
{
    [JsonPropertyName("formula")] public string? Formula { get; set; }
    [JsonPropertyName("target")] public string? Target { get; set; }
    [JsonPropertyName("activationTarget")] public string? ActivationTarget { get; set; }
    [JsonPropertyName("metricType")] public string? MetricType { get; set; }
}

public sealed class ScaleTarget
{
    [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";
}

public sealed class ScaleTrigger
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("metadata")] public Dictionary<string, string> Metadata { get; set; } = [];
    [JsonPropertyName("authenticationRef")] public AuthenticationRef? AuthenticationRef { get; set; }
}

public sealed class AuthenticationRef
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("kind")] public string? Kind { get; set; }
}

public sealed class TriggerAuthentication : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = ScaledObject.KedaApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = "TriggerAuthentication";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public TriggerAuthenticationSpec Spec { get; set; } = new();
}

public sealed class TriggerAuthenticationSpec
{
    [JsonPropertyName("secretTargetRef")] public List<SecretTargetRef> SecretTargetRef { get; set; } = [];
}

public sealed class SecretTargetRef
{
    [JsonPropertyName("parameter")] public string Parameter { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("key")] public string Key { get; set; } = "";
}

using k8s.Models;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// A rollout never stops every worker, a node drain can always move one, and each profile can really reach its
/// autoscaling maximum: what the pods would claim at that maximum, computed from the rendered objects (LimitRange
/// defaults for containers that state nothing, one extra pod per rolling update), fits the namespace's quota.
/// </summary>
public sealed class RolloutAndQuotaTests
{
    private const string Worker = KubernetesOverlayTests.Worker;

    public static TheoryData<string> Overlays => [.. DeployPath.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Worker_RollsOutOnePodAtATime_AndThePdbLeavesRoomToDrainANode(string overlay)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);
        var worker = rendered.Deployment(Worker);
        var pdb = rendered.Named<V1PodDisruptionBudget>("pdf-processor-pdb");

        // aspirate writes Recreate, which would stop every worker at once on `kubectl set image`.
        Assert.Equal("RollingUpdate", worker.Spec.Strategy.Type);
        Assert.Equal(0, KubernetesOverlayTests.Number(worker.Spec.Strategy.RollingUpdate.MaxUnavailable));
        Assert.True(KubernetesOverlayTests.Number(worker.Spec.Strategy.RollingUpdate.MaxSurge) >= 1);
        // With the fewest workers the overlay can run, one may still be evicted without breaking the budget.
        Assert.True(MinWorkers(rendered) > KubernetesOverlayTests.Number(pdb.Spec.MinAvailable),
            $"{overlay}: {MinWorkers(rendered)} workers at least, PDB minAvailable {pdb.Spec.MinAvailable}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Quota_FitsEveryPod_AtTheAutoscalingMaximum_DuringARollout(string overlay)
    {
        var rendered = await (await DeployPath.GetAsync()).RenderAsync(overlay);
        var quota = rendered.Named<V1ResourceQuota>("pdf-processor-quota").Spec.Hard;
        var defaults = rendered.OfType<V1LimitRange>().Single().Spec.Limits.Single(l => l.Type == "Container");

        var claims = new Dictionary<string, decimal> { ["requests.cpu"] = 0, ["requests.memory"] = 0, ["limits.cpu"] = 0, ["limits.memory"] = 0, ["pods"] = 0 };
        foreach (var (name, pod, count) in PodsAtMaximum(rendered))
        {
            claims["pods"] += count;
            foreach (var container in pod.Spec.Containers)
            {
                var requests = container.Resources?.Requests ?? defaults.DefaultRequest;
                var limits = container.Resources?.Limits ?? defaults.DefaultProperty;
                claims["requests.cpu"] += count * requests["cpu"].ToDecimal();
                claims["requests.memory"] += count * requests["memory"].ToDecimal();
                claims["limits.cpu"] += count * limits["cpu"].ToDecimal();
                claims["limits.memory"] += count * limits["memory"].ToDecimal();
                Assert.True(limits["cpu"].ToDecimal() <= defaults.Max["cpu"].ToDecimal() && limits["memory"].ToDecimal() <= defaults.Max["memory"].ToDecimal(),
                    $"{overlay}: {name}'s limits exceed the LimitRange's maximum");
            }
        }

        Assert.All(claims, claim => Assert.True(claim.Value <= quota[claim.Key].ToDecimal(),
            $"{overlay}: at {MaxWorkers(rendered)} workers the pods claim {claim.Value} of {claim.Key}, the quota allows {quota[claim.Key]}"));
    }

    /// <summary>Each workload with the pods it can have at once: the worker at its maximum, plus a surge pod per rolling update.</summary>
    private static IEnumerable<(string Name, V1PodTemplateSpec Pod, int Count)> PodsAtMaximum(RenderedOverlay rendered)
    {
        foreach (var deployment in rendered.OfType<V1Deployment>())
        {
            var replicas = deployment.Metadata.Name == Worker ? MaxWorkers(rendered) : deployment.Spec.Replicas ?? 1;
            var surge = deployment.Spec.Strategy?.Type == "RollingUpdate" ? KubernetesOverlayTests.Number(deployment.Spec.Strategy.RollingUpdate.MaxSurge) : 0;
            yield return (deployment.Metadata.Name, deployment.Spec.Template, replicas + surge);
        }
        // A StatefulSet replaces its pods one by one, never one extra.
        foreach (var set in rendered.OfType<V1StatefulSet>())
        {
            yield return (set.Metadata.Name, set.Spec.Template, set.Spec.Replicas ?? 1);
        }
    }

    private static int MaxWorkers(RenderedOverlay rendered) =>
        rendered.OfType<V2HorizontalPodAutoscaler>().SingleOrDefault()?.Spec.MaxReplicas
        ?? rendered.OfType<ScaledObject>().SingleOrDefault()?.Spec.MaxReplicaCount
        ?? rendered.Deployment(Worker).Spec.Replicas ?? 1;

    private static int MinWorkers(RenderedOverlay rendered) =>
        rendered.OfType<V2HorizontalPodAutoscaler>().SingleOrDefault()?.Spec.MinReplicas
        ?? rendered.OfType<ScaledObject>().SingleOrDefault()?.Spec.MinReplicaCount
        ?? rendered.Deployment(Worker).Spec.Replicas ?? 1;
}

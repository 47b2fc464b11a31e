using System.Text.RegularExpressions;
using k8s.Models;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// What docs/deployment.md tells a user matches what its commands produce: the images the pods would pull,
/// the names and labels its kubectl commands use, and the optional Ingress for the admin.
/// </summary>
public sealed partial class DeploymentGuideTests
{
    public static TheoryData<string> Overlays => [.. DeployPath.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryImage_IsExactlyWhatWasPublished(string overlay)
    {
        var deploy = await DeployPath.GetAsync();
        var rendered = await deploy.RenderAsync(overlay);

        foreach (var (name, pod) in rendered.PodTemplates())
        {
            var resource = deploy.Resource(name);
            // Container resources keep their image as the AppHost names it (aspirate lower-cases MinIO's tag; the
            // overlay restores it); what we build is <registry>/<resource name>:<tag>, as the guide's build step pushes it.
            var expected = resource.TryGetProperty("image", out var image) ? image.GetString() : $"{DeployPath.Registry}/{name}:{DeployPath.Tag}";
            Assert.Equal(expected, Assert.Single(pod.Spec.Containers).Image);
        }
    }

    [Fact]
    public async Task DocumentedKubectlCommands_NameTheWorkerAsRendered()
    {
        var worker = (await (await DeployPath.GetAsync()).RenderAsync("medium")).Deployment(KubernetesOverlayTests.Worker);
        var container = worker.Spec.Template.Spec.Containers.Single();
        // The deployment steps, and the troubleshooting commands of the operations page.
        var documents = DeploymentGuideCommands.Guide + File.ReadAllText(Path.Combine(DeployPath.RepositoryRoot, "docs", "operations.md"));

        var labels = LabelSelector().Matches(documents).Select(m => m.Groups["app"].Value).Distinct().ToList();
        Assert.NotEmpty(labels);
        Assert.All(labels, app => Assert.Equal(worker.Spec.Template.Metadata.Labels["app"], app));
        var setImage = SetImage().Matches(documents).ToList();
        Assert.NotEmpty(setImage);
        Assert.All(setImage, m =>
        {
            Assert.Equal(worker.Metadata.Name, m.Groups["deployment"].Value);
            Assert.Equal(container.Name, m.Groups["container"].Value);
            Assert.Equal(container.Image[..container.Image.LastIndexOf(':')], m.Groups["repository"].Value);
        });
    }

    [Fact]
    public async Task AdminIngressComponent_RoutesToTheAdminService_OverAnyProfile()
    {
        var deploy = await DeployPath.GetAsync();
        var rendered = await deploy.RenderCustomAsync("medium-with-ingress", """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - ../../overlays/medium
            components:
              - ../../components/admin-ingress
            """);

        var ingress = Assert.Single(rendered.OfType<V1Ingress>());
        var backend = ingress.Spec.Rules.Single().Http.Paths.Single().Backend.Service;
        var service = rendered.Named<V1Service>(backend.Name);

        Assert.Equal(KubernetesOverlayTests.Namespace, ingress.Metadata.NamespaceProperty);
        Assert.Contains(service.Spec.Ports, p => p.Name == backend.Port.Name);
        Assert.Equal(ingress.Spec.Rules.Single().Host, ingress.Spec.Tls.Single().Hosts.Single());
        Assert.Equal(service.Spec.Selector["app"], rendered.Deployment("pdf-admin").Spec.Template.Metadata.Labels["app"]);
        // Behind the Ingress the admin believes forwarded addresses from the cluster's pods only, and still has its config.
        var config = rendered.Named<V1ConfigMap>("pdf-processor-config").Data;
        Assert.Equal("10.0.0.0/8", config["ADMIN_TRUSTED_PROXIES"]);
        Assert.Equal("redis://redis:6379", config["REDIS_URL"]);
    }

    [GeneratedRegex(@"-l app=(?<app>[a-z0-9-]+)")]
    private static partial Regex LabelSelector();

    [GeneratedRegex(@"set image deployment/(?<deployment>[a-z0-9-]+) (?<container>[a-z0-9-]+)=(?<repository>[a-z0-9./-]+):")]
    private static partial Regex SetImage();
}

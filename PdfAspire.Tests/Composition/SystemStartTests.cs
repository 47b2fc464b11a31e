using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Composition;

[Collection(SystemUnderTest.Name)]
public sealed class SystemStartTests(AppHostFixture system)
{
    private static readonly string[] LocalResourceTypes = ["Executable", "Project"];

    [Fact]
    public void EveryResource_IsHealthy_InLocalProcessMode()
    {
        foreach (var name in AppHostFixture.ResourceNames)
        {
            Assert.True(system.App.ResourceNotifications.TryGetCurrentState(name, out var state), $"{name} has no state");
            Assert.Equal(HealthStatus.Healthy, state.Snapshot.HealthStatus);
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            // Local mode runs the infrastructure as processes: no container runtime is needed.
            Assert.Contains(state.Snapshot.ResourceType, LocalResourceTypes);
        }
    }
}

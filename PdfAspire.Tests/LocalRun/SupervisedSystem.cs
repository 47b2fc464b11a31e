using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.LocalRun;

/// <summary>A system of its own, as ./run.sh starts it: two worker replicas, every local process supervised.</summary>
public sealed class SupervisedSystem : AppHostFixture
{
    protected override IEnumerable<string> ExtraArguments => [];
}

[CollectionDefinition(Name)]
public sealed class SupervisedSystemCollection : ICollectionFixture<SupervisedSystem>
{
    public const string Name = "supervised system";
}

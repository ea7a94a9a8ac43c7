using CdcBridge.Testing;

[assembly: AssemblyFixture(typeof(CdcBridge.DevStack.Tests.InfrastructureFixture))]

namespace CdcBridge.DevStack.Tests;

/// <summary>One embedded stack (or the external services) for the whole test assembly.</summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private ITestInfrastructure? _infrastructure;

    public ITestInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() => _infrastructure = await TestInfrastructure.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_infrastructure is not null)
        {
            await _infrastructure.DisposeAsync();
        }
    }
}

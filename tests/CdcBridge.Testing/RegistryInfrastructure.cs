using CdcBridge.DevStack.SchemaRegistry;

using Xunit;

namespace CdcBridge.Testing;

/// <summary>
/// Kafka, PostgreSQL and a Schema Registry for a whole test assembly (use it as the assembly fixture); each test makes
/// its own topics and databases.
/// </summary>
public sealed class RegistryInfrastructure : IAsyncLifetime
{
    private ITestInfrastructure? _infrastructure;
    private EmbeddedSchemaRegistry? _registry;

    public ITestInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("Not started.");

    public string RegistryUrl => _registry?.Url ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.StartAsync();
        _registry = await EmbeddedSchemaRegistry.StartAsync(await _infrastructure.CreateEmptyDatabaseAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        if (_infrastructure is not null)
        {
            await _infrastructure.DisposeAsync();
        }
    }
}

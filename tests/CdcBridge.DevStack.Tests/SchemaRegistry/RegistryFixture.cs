using CdcBridge.DevStack.SchemaRegistry;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>One embedded registry on a fresh database per test class, with an <see cref="HttpClient"/> on its URL.</summary>
public sealed class RegistryFixture(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private EmbeddedSchemaRegistry? _registry;
    private RegistryClient? _client;

    public string ConnectionString { get; private set; } = "";

    public EmbeddedSchemaRegistry Registry => _registry ?? throw new InvalidOperationException("Not started.");

    public RegistryClient Client => _client ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await infrastructure.Infrastructure.CreateEmptyDatabaseAsync(TestContext.Current.CancellationToken);
        _registry = await EmbeddedSchemaRegistry.StartAsync(ConnectionString, ct: TestContext.Current.CancellationToken);
        _client = new RegistryClient(_registry.Url);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }
}

using Microsoft.Extensions.Hosting;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>
/// A host lifetime that does nothing: the registry runs inside a larger process (the embedded stack, a test) that owns
/// Ctrl+C and SIGTERM, so the web host must not install its console handlers or print "Press Ctrl+C".
/// </summary>
internal sealed class RegistryHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.CommandLine;
using CdcBridge.Avro.Registry;
using CdcBridge.DevStack;

namespace CdcBridge.Host.Commands;

/// <summary>--bootstrap and --registry, defaulting to the running embedded stack's endpoints.json.</summary>
internal sealed class ClusterOptions
{
    public Option<string?> Bootstrap { get; } = new("--bootstrap", "-b") { Description = "Kafka bootstrap servers (default: the running stack's endpoints.json).", Recursive = true };

    public Option<string?> Registry { get; } = new("--registry", "-r") { Description = "Schema Registry URL (default: the running stack's endpoints.json).", Recursive = true };

    public Option<string> StateDir { get; } = StateDirectory.CreateOption();

    public void AddTo(Command command)
    {
        command.Options.Add(Bootstrap);
        command.Options.Add(Registry);
        command.Options.Add(StateDir);
    }

    public async Task<string> BootstrapAsync(ParseResult parse, CancellationToken ct) =>
        parse.GetValue(Bootstrap) ?? (await EndpointsAsync(parse, ct)).Kafka.Bootstrap;

    public async Task<SchemaRegistryClient> RegistryAsync(ParseResult parse, CancellationToken ct)
    {
        var url = parse.GetValue(Registry) ?? (await EndpointsAsync(parse, ct)).SchemaRegistry?.Url
            ?? throw new CliError("the running stack publishes no schema registry; pass --registry.");
        return new SchemaRegistryClient(new SchemaRegistryOptions
        {
            Url = url,
            BasicAuthUserInfo = Environment.GetEnvironmentVariable("CDCBRIDGE_REGISTRY_USER_INFO"),
            BearerToken = Environment.GetEnvironmentVariable("CDCBRIDGE_REGISTRY_TOKEN"),
        });
    }

    private async Task<StackEndpoints> EndpointsAsync(ParseResult parse, CancellationToken ct)
    {
        var state = parse.GetValue(StateDir)!;
        return await StackEndpoints.TryReadAsync(state, ct)
            ?? throw new CliError($"no running stack found ({StackEndpoints.PathIn(state)} is missing): start one with 'make up', or pass --bootstrap and --registry.");
    }
}

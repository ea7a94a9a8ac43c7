using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.Host.Commands;

/// <summary><c>cdcbridge schemas list|get</c>: what the Schema Registry holds.</summary>
internal static class SchemasCommand
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var command = new Command("schemas", "Subjects and schemas in the Schema Registry.");
        cluster.AddTo(command);

        var list = new Command("list", "List subjects with their latest version and schema id.");
        list.SetAction((parse, ct) => CliError.GuardAsync("schemas list", async () =>
        {
            using var registry = await cluster.RegistryAsync(parse, ct);
            foreach (var subject in (await registry.GetSubjectsAsync(ct)).Order(StringComparer.Ordinal))
            {
                var latest = await registry.GetLatestAsync(subject, ct);
                Console.WriteLine($"{subject}\tversion {latest.Version}\tid {latest.Id}");
            }

            return 0;
        }));

        var subjectArg = new Argument<string>("subject") { Description = "The subject, e.g. odoo.public.stock_quant-value." };
        var version = new Option<int?>("--version") { Description = "A version number (default: the latest)." };
        var get = new Command("get", "Print a subject's schema (latest or a given version) with its id and version.") { subjectArg, version };
        get.SetAction((parse, ct) => CliError.GuardAsync("schemas get", async () =>
        {
            using var registry = await cluster.RegistryAsync(parse, ct);
            var subject = parse.GetValue(subjectArg)!;
            var registered = parse.GetValue(version) is { } v
                ? await registry.GetVersionAsync(subject, v, ct)
                : await registry.GetLatestAsync(subject, ct);
            var output = new JsonObject
            {
                ["subject"] = registered.Subject,
                ["version"] = registered.Version,
                ["id"] = registered.Id,
                ["schema"] = JsonNode.Parse(registered.Schema.ToJson()),
            };
            Console.WriteLine(output.ToJsonString(Pretty));
            return 0;
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        return command;
    }
}

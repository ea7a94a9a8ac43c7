using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static CdcBridge.DevStack.SchemaRegistry.RegistryRequests;
using static CdcBridge.DevStack.SchemaRegistry.RegistryResponses;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>The routes: Confluent Schema Registry's REST API, the subset Avro producers, consumers and tools use.</summary>
internal sealed class RegistryEndpoints(SchemaRegistryService registry)
{
    private static readonly string[] SchemaTypes = ["AVRO"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", () => Ok(new Empty()));
        routes.MapGet("/schemas/types", () => Ok(SchemaTypes));
        routes.MapGet("/schemas/ids/{id:int}", SchemaByIdAsync);
        routes.MapGet("/schemas/ids/{id:int}/schema", RawSchemaByIdAsync);
        routes.MapGet("/schemas/ids/{id:int}/subjects", SubjectsOfIdAsync);
        routes.MapGet("/schemas/ids/{id:int}/versions", VersionsOfIdAsync);

        routes.MapGet("/subjects", SubjectsAsync);
        routes.MapPost("/subjects/{subject}", LookupAsync);
        routes.MapDelete("/subjects/{subject}", DeleteSubjectAsync);
        routes.MapGet("/subjects/{subject}/versions", VersionsAsync);
        routes.MapPost("/subjects/{subject}/versions", RegisterAsync);
        routes.MapGet("/subjects/{subject}/versions/{version}", VersionAsync);
        routes.MapGet("/subjects/{subject}/versions/{version}/schema", RawVersionSchemaAsync);
        routes.MapDelete("/subjects/{subject}/versions/{version}", DeleteVersionAsync);

        routes.MapGet("/config", GlobalLevelAsync);
        routes.MapPut("/config", SetGlobalLevelAsync);
        routes.MapGet("/config/{subject}", SubjectLevelAsync);
        routes.MapPut("/config/{subject}", SetSubjectLevelAsync);
        routes.MapDelete("/config/{subject}", DeleteSubjectLevelAsync);

        routes.MapPost("/compatibility/subjects/{subject}/versions/{version}", CompatibilityWithVersionAsync);
        routes.MapPost("/compatibility/subjects/{subject}/versions", CompatibilityAsync);
    }

    private async Task<IResult> SchemaByIdAsync(int id, CancellationToken ct) => Ok(new SchemaText(await registry.SchemaByIdAsync(id, ct)));

    private async Task<IResult> RawSchemaByIdAsync(int id, CancellationToken ct) => RawJson(await registry.SchemaByIdAsync(id, ct));

    private async Task<IResult> SubjectsOfIdAsync(HttpRequest request, int id, CancellationToken ct) =>
        Ok((await registry.UsagesAsync(id, Flag(request, "deleted"), ct)).Select(u => u.Subject).Distinct());

    private async Task<IResult> VersionsOfIdAsync(HttpRequest request, int id, CancellationToken ct) =>
        Ok((await registry.UsagesAsync(id, Flag(request, "deleted"), ct)).Select(u => new SubjectVersionPair(u.Subject, u.Version)));

    private async Task<IResult> SubjectsAsync(HttpRequest request, CancellationToken ct) =>
        Ok(await registry.SubjectsAsync(Flag(request, "deleted"), ct));

    private async Task<IResult> LookupAsync(HttpRequest request, string subject, CancellationToken ct)
    {
        var schema = await ReadSchemaAsync(request, ct);
        return Ok(SchemaVersion.From(await registry.LookupAsync(Subject(subject), schema, Flag(request, "deleted"), ct)));
    }

    private async Task<IResult> DeleteSubjectAsync(HttpRequest request, string subject, CancellationToken ct) =>
        Ok(await registry.DeleteSubjectAsync(Subject(subject), Flag(request, "permanent"), ct));

    private async Task<IResult> VersionsAsync(HttpRequest request, string subject, CancellationToken ct) =>
        Ok(await registry.VersionNumbersAsync(Subject(subject), Flag(request, "deleted"), ct));

    private async Task<IResult> RegisterAsync(HttpRequest request, string subject, CancellationToken ct)
    {
        var schema = await ReadSchemaAsync(request, ct);
        return Ok(new SchemaId(await registry.RegisterAsync(Subject(subject), schema, ct)));
    }

    private async Task<IResult> VersionAsync(HttpRequest request, string subject, string version, CancellationToken ct) =>
        Ok(SchemaVersion.From(await registry.VersionAsync(Subject(subject), VersionSelector.Parse(version), Flag(request, "deleted"), ct)));

    private async Task<IResult> RawVersionSchemaAsync(HttpRequest request, string subject, string version, CancellationToken ct) =>
        RawJson((await registry.VersionAsync(Subject(subject), VersionSelector.Parse(version), Flag(request, "deleted"), ct)).Schema);

    private async Task<IResult> DeleteVersionAsync(HttpRequest request, string subject, string version, CancellationToken ct) =>
        Ok(await registry.DeleteVersionAsync(Subject(subject), VersionSelector.Parse(version), Flag(request, "permanent"), ct));

    private async Task<IResult> GlobalLevelAsync(CancellationToken ct) => Ok(new LevelResponse((await registry.GlobalLevelAsync(ct)).ToWire()));

    private async Task<IResult> SetGlobalLevelAsync(HttpRequest request, CancellationToken ct)
    {
        var level = await ReadLevelAsync(request, ct);
        await registry.SetLevelAsync(subject: null, level, ct);
        return Ok(new LevelUpdate(level.ToWire()));
    }

    private async Task<IResult> SubjectLevelAsync(HttpRequest request, string subject, CancellationToken ct) =>
        Ok(new LevelResponse((await registry.SubjectLevelAsync(Subject(subject), Flag(request, "defaultToGlobal"), ct)).ToWire()));

    private async Task<IResult> SetSubjectLevelAsync(HttpRequest request, string subject, CancellationToken ct)
    {
        var level = await ReadLevelAsync(request, ct);
        await registry.SetLevelAsync(Subject(subject), level, ct);
        return Ok(new LevelUpdate(level.ToWire()));
    }

    private async Task<IResult> DeleteSubjectLevelAsync(string subject, CancellationToken ct) =>
        Ok(new LevelResponse((await registry.DeleteSubjectLevelAsync(Subject(subject), ct)).ToWire()));

    private Task<IResult> CompatibilityWithVersionAsync(HttpRequest request, string subject, string version, CancellationToken ct) =>
        CheckAsync(request, subject, VersionSelector.Parse(version), ct);

    private Task<IResult> CompatibilityAsync(HttpRequest request, string subject, CancellationToken ct) =>
        CheckAsync(request, subject, selector: null, ct);

    private async Task<IResult> CheckAsync(HttpRequest request, string subject, VersionSelector? selector, CancellationToken ct)
    {
        var schema = await ReadSchemaAsync(request, ct);
        var verdict = await registry.TestCompatibilityAsync(Subject(subject), selector, schema, ct);
        return Ok(new CompatibilityCheck(verdict.IsCompatible, Flag(request, "verbose") ? verdict.Messages : null));
    }
}

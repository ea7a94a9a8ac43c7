using System.Diagnostics;
using System.Text.Json.Nodes;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Tests;

/// <summary>
/// Bytes written here decode in Apache Avro for Python (Debian's python3-avro) to the same values, and bytes it writes
/// decode here: strings with non-ASCII letters, decimals, timestamp-micros, dates, enums, maps, nullable unions,
/// longs beyond 2^53, doubles, arrays of records and fixed.
/// </summary>
public sealed class PythonAvroInteropTests
{
    private static readonly string SchemaPath = TestFiles.Path("Python", "cross.avsc");
    private static readonly RecordSchema Schema = (RecordSchema)AvroSchema.Parse(File.ReadAllText(SchemaPath));

    [Fact]
    public async Task Records_written_here_decode_in_python_to_the_same_values_and_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        var writer = new GenericDatumWriter(Schema);
        var hex = Records().Select(r => Convert.ToHexString(writer.Serialize(r)).ToLowerInvariant()).ToList();

        var output = await RunPythonAsync("reencode", string.Join('\n', hex), ct);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Select(l => l.Split('\t')[0]).Should().Equal(hex, "python re-encodes what it decoded to the very same bytes");
        var first = JsonNode.Parse(lines[0].Split('\t')[1])!;
        first["name"]!.GetValue<string>().Should().Be("Grüße aus Köln – 東京");
        first["price"]!.GetValue<string>().Should().Be("1234567890.1234");
        first["at"]!.GetValue<string>().Should().Be("2026-11-22T10:30:15.123456+00:00");
        first["day"]!.GetValue<string>().Should().Be("2026-02-28");
        first["big"]!.GetValue<long>().Should().Be(9007199254740993L);
        first["state"]!.GetValue<string>().Should().Be("DONE");
        first["stock"]!["EU"]!.GetValue<long>().Should().Be(-3);
        var second = JsonNode.Parse(lines[1].Split('\t')[1])!;
        second["note"]!.GetValue<string>().Should().Be("ünïcödé");
        second["price"]!.GetValue<string>().Should().Be("-0.0001");
        second["big"]!.GetValue<long>().Should().Be(long.MinValue);
    }

    [Fact]
    public async Task Records_written_by_python_decode_here_to_the_values_it_wrote()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = await RunPythonAsync("produce", "", ct);
        var hex = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var reader = new GenericDatumReader(Schema);
        var records = hex.Select(h => (GenericRecord)reader.Deserialize(Convert.FromHexString(h))!).ToList();

        records.Should().HaveCount(2);
        var expected = Records();
        for (var i = 0; i < records.Count; i++)
        {
            Convert.ToHexString(new GenericDatumWriter(Schema).Serialize(records[i])).Should().BeEquivalentTo(hex[i], "decoding then encoding here gives python's bytes");
            Convert.ToHexString(new GenericDatumWriter(Schema).Serialize(expected[i])).Should().BeEquivalentTo(hex[i], "python wrote the values this test expects");
        }

        records[0]["price"].Should().Be(AvroDecimal.Parse("1234567890.1234"));
        records[0]["at"].Should().Be(new DateTime(2026, 11, 22, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234560));
        records[0]["big"].Should().Be(9007199254740993L);
        records[1]["note"].Should().Be("ünïcödé");
    }

    private static List<GenericRecord> Records() =>
    [
        Record("TEE-00001-BLK-M", "Grüße aus Köln – 東京", "1234567890.1234", new DateTime(2026, 11, 22, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234560),
            new DateOnly(2026, 2, 28), "DONE", new() { ["WH"] = 7L, ["EU"] = -3L }, null, 9007199254740993L, 0.1, [(2, "a")], [0x00, 0xFF, 0x10]),
        Record("MUG-00002", "", "-0.0001", new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9999990),
            new DateOnly(1900, 1, 1), "DRAFT", [], "ünïcödé", long.MinValue, -1.5e300, [], "abc"u8.ToArray()),
    ];

    private static GenericRecord Record(string sku, string name, string price, DateTime at, DateOnly day, string state,
        Dictionary<string, object?> stock, string? note, long big, double ratio, (int Qty, string Ref)[] lines, byte[] digest)
    {
        var lineSchema = (RecordSchema)((ArraySchema)Schema.GetField("lines")!.Schema).Items;
        return new GenericRecord(Schema)
        {
            ["sku"] = sku,
            ["name"] = name,
            ["price"] = AvroDecimal.Parse(price),
            ["at"] = at,
            ["day"] = day,
            ["state"] = new GenericEnumSymbol((EnumSchema)Schema.GetField("state")!.Schema, state),
            ["stock"] = stock,
            ["note"] = note,
            ["big"] = big,
            ["ratio"] = ratio,
            ["lines"] = lines.Select(l => (object?)new GenericRecord(lineSchema) { ["qty"] = l.Qty, ["ref"] = l.Ref }).ToList(),
            ["digest"] = new GenericFixed((FixedSchema)Schema.GetField("digest")!.Schema, digest),
        };
    }

    private static async Task<string> RunPythonAsync(string mode, string input, CancellationToken ct)
    {
        // Debian's interpreter, where python3-avro is installed (a pyenv python on PATH would not have it).
        var info = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(TestFiles.Path("Python", "avro_cross.py"));
        info.ArgumentList.Add(mode);
        info.ArgumentList.Add(SchemaPath);
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(input.AsMemory(), ct);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        process.ExitCode.Should().Be(0, await stderr);
        return await stdout;
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;
using CdcBridge.Benchmarks;

// make bench: encode and decode throughput of the Avro codec on one thread, for the records CdcBridge moves most; then
// change capture (CaptureBench), availability (AvailabilityBench) and orders (OrdersBench). BENCH=codec,capture,
// availability,orders (any subset, comma-separated; default all) picks the parts; the first argument is the codec's
// seconds per measurement.
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2.0;
var parts = (Environment.GetEnvironmentVariable("BENCH") is { Length: > 0 } only ? only : "all")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
string[] known = ["all", "codec", "capture", "availability", "orders"];
if (parts.FirstOrDefault(p => !known.Contains(p, StringComparer.OrdinalIgnoreCase)) is { } unknown)
{
    Console.Error.WriteLine($"BENCH: unknown part '{unknown}' (use {string.Join(", ", known)}, comma-separated)");
    return 2;
}

bool Runs(string part) => parts.Contains("all") || parts.Contains(part);
if (Runs("codec"))
{
    RunCodec(seconds);
}

if (Runs("capture"))
{
    await CaptureBench.RunAsync(changes: 200_000, rate: 1_000, latencyRun: TimeSpan.FromSeconds(10));
}

if (Runs("availability"))
{
    await AvailabilityBench.RunAsync(new AvailabilityBenchOptions());
}

if (Runs("orders"))
{
    await OrdersBench.RunAsync(new OrdersBenchOptions());
}

return 0;

static void RunCodec(double seconds)
{
    var cases = new (string Name, AvroSchema Schema)[]
    {
        ("small record (5 fields)", AvroSchema.Parse("""
            {"type":"record","name":"Small","fields":[{"name":"id","type":"int"},{"name":"sku","type":"string"},
            {"name":"qty","type":"long"},{"name":"price","type":"double"},{"name":"active","type":"boolean"}]}
            """)),
        ("Debezium stock_quant envelope (op u)", AvroSchema.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "odoo.public.stock_quant.envelope.avsc")))),
        ("retail.inventory.availability.v1", AvroSchema.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "avro", "retail.inventory.availability.v1.avsc")))),
    };

    Console.WriteLine($"Avro codec, one thread, {seconds:0.#} s per measurement ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
    Console.WriteLine($"{"record",-40} {"bytes",6} {"encode rec/s",14} {"encode MB/s",12} {"decode rec/s",14} {"decode MB/s",12}");
    foreach (var (name, schema) in cases)
    {
        var value = SampleValues.For(schema);
        var writer = new GenericDatumWriter(schema);
        var reader = new GenericDatumReader(schema);
        var bytes = writer.Serialize(value);
        var buffer = new ArrayBufferWriter<byte>(bytes.Length * 2);
        var avroWriter = new AvroBinaryWriter(buffer);

        var encode = Measure(seconds, () =>
        {
            buffer.ResetWrittenCount();
            writer.Write(avroWriter, value);
        });
        var decode = Measure(seconds, () => reader.Deserialize(bytes));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-40} {bytes.Length,6} {encode,14:N0} {encode * bytes.Length / 1e6,12:N1} {decode,14:N0} {decode * bytes.Length / 1e6,12:N1}"));
    }
}

static double Measure(double seconds, Action action)
{
    for (var i = 0; i < 20_000; i++)
    {
        action(); // warm-up: tiered JIT and PGO settle
    }

    var best = 0.0;
    for (var round = 0; round < 3; round++)
    {
        var stopwatch = Stopwatch.StartNew();
        long count = 0;
        var budget = TimeSpan.FromSeconds(seconds / 3);
        while (stopwatch.Elapsed < budget)
        {
            for (var i = 0; i < 1000; i++)
            {
                action();
            }

            count += 1000;
        }

        best = Math.Max(best, count / stopwatch.Elapsed.TotalSeconds);
    }

    return best;
}

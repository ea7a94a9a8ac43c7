using System.Runtime.CompilerServices;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Debezium.Events;

/// <summary>
/// Turns Debezium change events (key and value as generic Avro records, from real Debezium or the embedded capture)
/// into <see cref="RowChange"/>s: op, before, after and source position, with Debezium's column encodings converted
/// (VariableScaleDecimal and Connect Decimal to exact decimals, io.debezium.time.* to .NET dates and times, the TOAST
/// placeholder to <see cref="Unavailable"/>). A column type it does not know fails with
/// <see cref="UnmappableSchemaException"/> rather than being guessed. What a row schema's columns mean (the union
/// branch, the Kafka Connect name) is worked out once per schema instance and kept with it.
/// </summary>
public static class ChangeEventReader
{
    private static readonly ConditionalWeakTable<RecordSchema, ColumnPlan[]> Plans = [];

    /// <param name="topic">The topic, <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;</c> (names the table of a tombstone).</param>
    public static RowChange Read(string topic, object? key, object? value)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var parts = topic.Split('.');
        if (parts.Length < 3)
        {
            throw new UnmappableSchemaException($"Topic '{topic}' is not <prefix>.<schema>.<table>.");
        }

        var keyImage = key is null ? null : Image(key, "key");
        if (value is null)
        {
            return new RowChange(parts[^2], parts[^1], ChangeOperation.Tombstone, keyImage, null, null, null, null);
        }

        if (value is not GenericRecord envelope || !envelope.Schema.FullName.EndsWith(".Envelope", StringComparison.Ordinal))
        {
            throw new UnmappableSchemaException($"The value on {topic} is not a Debezium envelope ({Describe(value)}).");
        }

        var op = (envelope.TryGet("op", out var o) ? o as string : null) switch
        {
            "c" => ChangeOperation.Create,
            "u" => ChangeOperation.Update,
            "d" => ChangeOperation.Delete,
            "r" => ChangeOperation.Read,
            "t" => ChangeOperation.Truncate,
            "m" => ChangeOperation.Message,
            var other => throw new UnmappableSchemaException($"The envelope on {topic} has op '{other}', which Debezium does not write."),
        };

        var source = envelope.TryGet("source", out var s) && s is GenericRecord sourceRecord ? Source(sourceRecord) : null;
        var processed = envelope.TryGet("ts_ms", out var ts) && ts is long ms ? DateTime.UnixEpoch.AddMilliseconds(ms) : (DateTime?)null;
        return new RowChange(
            source?.Schema ?? parts[^2],
            source?.Table ?? parts[^1],
            op,
            keyImage,
            envelope.TryGet("before", out var before) && before is not null ? Image(before, "before") : null,
            envelope.TryGet("after", out var after) && after is not null ? Image(after, "after") : null,
            source,
            processed);
    }

    private static RowImage Image(object row, string what)
    {
        if (row is not GenericRecord record)
        {
            throw new UnmappableSchemaException($"The {what} of a change is {Describe(row)}, not a record.");
        }

        var plan = Plans.GetValue(record.Schema, Plan);
        var values = new Dictionary<string, object?>(plan.Length, StringComparer.Ordinal);
        for (var i = 0; i < plan.Length; i++)
        {
            var column = plan[i];
            values[column.Name] = column.Read(record[column.Position]);
        }

        return new RowImage(values);
    }

    private static ColumnPlan[] Plan(RecordSchema schema) =>
        [.. schema.Fields.Select(field =>
        {
            var target = field.Schema;
            if (target is UnionSchema union)
            {
                // Debezium's unions are [null, T] or [T, null]; other unions pick the value's own branch per value.
                var nonNull = union.Branches.Where(b => b.Type != AvroType.Null).ToList();
                target = nonNull.Count == 1 ? nonNull[0] : null;
            }

            return new ColumnPlan(field.Name, field.Position, field.Schema, target, target is null ? null : Semantic(target));
        })];

    /// <summary>How to read one column: its schema, the branch its values take (null: per value) and that branch's Kafka Connect name.</summary>
    private sealed record ColumnPlan(string Name, int Position, AvroSchema Schema, AvroSchema? Branch, string? Semantic)
    {
        public object? Read(object? value) =>
            value is null ? null
            : Branch is null ? Column(Schema, value, Name)
            : value is string text && text == Unavailable.Placeholder ? Unavailable.Value
            : Convert(Branch, Semantic, value, Name);
    }

    private static string? Semantic(AvroSchema schema) => schema is RecordSchema r ? r.FullName : schema.GetStringProperty("connect.name");

    private static object? Column(AvroSchema schema, object? value, string column)
    {
        if (value is null)
        {
            return null;
        }

        if (schema is UnionSchema union)
        {
            // Debezium's unions are [null, T] or [T, null]; the value's own branch otherwise.
            var nonNull = union.Branches.Where(b => b.Type != AvroType.Null).ToList();
            var branch = nonNull.Count == 1 ? nonNull[0] : union.Branches[Math.Max(0, GenericDatumWriter.SelectBranch(union, value))];
            return Column(branch, value, column);
        }

        if (value is string text && text == Unavailable.Placeholder)
        {
            return Unavailable.Value;
        }

        return Convert(schema, Semantic(schema), value, column);
    }

    private static object? Convert(AvroSchema schema, string? semantic, object value, string column) => semantic switch
    {
        null => value is GenericRecord or GenericEnumSymbol or GenericFixed
            ? throw new UnmappableSchemaException($"Column '{column}' has a {schema.BranchName} value with no Kafka Connect name; the reader does not guess what it means.")
            : value,
        "io.debezium.data.VariableScaleDecimal" => RowImage.VariableScale((GenericRecord)value),
        "org.apache.kafka.connect.data.Decimal" or "org.apache.kafka.connect.data.Date" or "org.apache.kafka.connect.data.Time"
            or "org.apache.kafka.connect.data.Timestamp" => value, // Avro logical types, converted by the codec
        "io.debezium.time.Timestamp" => DateTime.UnixEpoch.AddMilliseconds((long)value),
        "io.debezium.time.MicroTimestamp" => DateTime.UnixEpoch.AddTicks((long)value * 10),
        "io.debezium.time.NanoTimestamp" => DateTime.UnixEpoch.AddTicks((long)value / 100),
        "io.debezium.time.Date" => DateOnly.FromDateTime(DateTime.UnixEpoch).AddDays((int)value),
        "io.debezium.time.Time" => new TimeOnly((int)value * TimeSpan.TicksPerMillisecond),
        "io.debezium.time.MicroTime" => new TimeOnly((long)value * 10),
        "io.debezium.time.NanoTime" => new TimeOnly((long)value / 100),
        "io.debezium.time.ZonedTimestamp" => DateTimeOffset.Parse((string)value, System.Globalization.CultureInfo.InvariantCulture),
        "io.debezium.time.ZonedTime" or "io.debezium.data.Json" or "io.debezium.data.Enum" or "io.debezium.data.Xml" => value,
        "io.debezium.data.Uuid" => Guid.Parse((string)value),
        "io.debezium.time.MicroDuration" => TimeSpan.FromTicks((long)value * 10),
        _ => throw new UnmappableSchemaException(
            $"Column '{column}' has the Kafka Connect type '{semantic}', which the reader does not map; it will not guess."),
    };

    private static SourcePosition Source(GenericRecord source)
    {
        string Text(string name) => source.TryGet(name, out var v) ? v as string ?? "" : "";
        long? Number(string name) => source.TryGet(name, out var v) ? v as long? : null;
        var tsUs = Number("ts_us");
        var committed = tsUs is { } us ? DateTime.UnixEpoch.AddTicks(us * 10) : DateTime.UnixEpoch.AddMilliseconds(Number("ts_ms") ?? 0);
        return new SourcePosition(Text("connector"), Text("name"), Text("db"), Text("schema"), Text("table"), committed,
            source.TryGet("snapshot", out var snapshot) ? snapshot as string ?? "false" : "false",
            Number("lsn"), Number("txId"), source.TryGet("sequence", out var seq) ? seq as string : null,
            source.TryGet("version", out var version) ? version as string : null);
    }

    private static string Describe(object value) => value switch
    {
        GenericRecord g => $"record {g.Schema.FullName}",
        _ => value.GetType().Name,
    };
}

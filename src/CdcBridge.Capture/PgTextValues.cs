using System.Globalization;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Schema;

namespace CdcBridge.Capture;

/// <summary>
/// PostgreSQL's text form of a column value (what pgoutput sends, and what the snapshot reads with ::text) to the
/// value Debezium writes for it under the configured decimal and time modes.
/// </summary>
internal static class PgTextValues
{
    public static object? Convert(PgColumn column, string? text, CaptureSettings settings, AvroSchema valueFieldSchema)
    {
        if (text is null)
        {
            return null;
        }

        switch (column.TypeName)
        {
            case "int2" or "int4": return int.Parse(text, CultureInfo.InvariantCulture);
            case "int8" or "oid": return long.Parse(text, CultureInfo.InvariantCulture);
            case "bool": return text is "t" or "true";
            case "float4": return float.Parse(text, CultureInfo.InvariantCulture);
            case "float8": return double.Parse(text, CultureInfo.InvariantCulture);
            case "varchar" or "text" or "bpchar" or "char" or "name" or "citext" or "json" or "jsonb" or "uuid" or "timetz": return text;
            case "bytea": return System.Convert.FromHexString(text.StartsWith("\\x", StringComparison.Ordinal) ? text[2..] : text);
            case "numeric": return Numeric(column, text, settings, valueFieldSchema);
            case "date":
                var days = DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
                return days;
            case "timestamp":
                var ticks = TimestampTicks(text) - DateTime.UnixEpoch.Ticks;
                // Odoo's naive timestamps are UTC by convention; Debezium reads the wall clock as UTC too.
                return settings.TimePrecision == TimePrecisionMode.Adaptive && column.Precision is not <= 3 ? ticks / 10 : ticks / TimeSpan.TicksPerMillisecond;
            case "timestamptz":
                var zoned = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).UtcDateTime;
                return zoned.ToString("yyyy-MM-dd'T'HH:mm:ss." + new string('f', column.Precision ?? 6) + "'Z'", CultureInfo.InvariantCulture);
            case "time":
                var time = TimeOnly.Parse(text, CultureInfo.InvariantCulture);
                return settings.TimePrecision == TimePrecisionMode.Adaptive && column.Precision is not <= 3 ? time.Ticks / 10 : (object)(int)(time.Ticks / TimeSpan.TicksPerMillisecond);
            default:
                throw new NotSupportedException($"Column {column.Name} has type {column.TypeName}, which the embedded capture does not convert.");
        }
    }

    private static object Numeric(PgColumn column, string text, CaptureSettings settings, AvroSchema fieldSchema)
    {
        switch (settings.DecimalHandling)
        {
            case DecimalHandlingMode.Double:
                return text == "NaN" ? double.NaN : double.Parse(text, CultureInfo.InvariantCulture);
            case DecimalHandlingMode.String:
                return text == "NaN" ? "NAN" : text;
        }

        var value = AvroDecimal.Parse(text);
        if (column.Precision is > 0)
        {
            return value.Rescale(column.Scale ?? 0);
        }

        // io.debezium.data.VariableScaleDecimal: the value's own scale and its unscaled two's-complement bytes.
        var record = (RecordSchema)(fieldSchema is UnionSchema u ? u.Branches.First(b => b.Type != AvroType.Null) : fieldSchema);
        return new GenericRecord(record)
        {
            ["scale"] = value.Scale,
            ["value"] = value.Unscaled.IsZero ? [0] : value.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true),
        };
    }

    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.f", "yyyy-MM-dd HH:mm:ss.ff", "yyyy-MM-dd HH:mm:ss.fff",
         "yyyy-MM-dd HH:mm:ss.ffff", "yyyy-MM-dd HH:mm:ss.fffff", "yyyy-MM-dd HH:mm:ss.ffffff"];

    /// <summary>PostgreSQL's text form of timestamp without time zone (ISO datestyle), read as UTC; exact formats first, they are the hot path.</summary>
    private static long TimestampTicks(string text) =>
        DateTime.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var exact)
            ? exact.Ticks
            : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks;
}

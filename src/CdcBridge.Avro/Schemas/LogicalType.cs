namespace CdcBridge.Avro.Schemas;

/// <summary>
/// An Avro logical type the codec understands. Unknown or invalid logical types are ignored as the specification
/// demands (the schema reads as its base type) but kept in the schema's properties, so they survive a round trip.
/// </summary>
public sealed record LogicalType(string Name, int Precision = 0, int Scale = 0)
{
    public const string Decimal = "decimal";
    public const string Date = "date";
    public const string TimeMillis = "time-millis";
    public const string TimeMicros = "time-micros";
    public const string TimestampMillis = "timestamp-millis";
    public const string TimestampMicros = "timestamp-micros";
    public const string TimestampNanos = "timestamp-nanos";
    public const string LocalTimestampMillis = "local-timestamp-millis";
    public const string LocalTimestampMicros = "local-timestamp-micros";
    public const string LocalTimestampNanos = "local-timestamp-nanos";
    public const string Uuid = "uuid";
    public const string Duration = "duration";

    /// <summary>The logical type a base schema carries, or null when it is unknown or invalid for that base.</summary>
    internal static LogicalType? For(AvroType type, string? name, int? precision, int? scale, int fixedSize)
    {
        switch (name)
        {
            case Decimal when type is AvroType.Bytes or AvroType.Fixed:
                // Invalid parameters make the logical type invalid, hence ignored (spec, "Decimal").
                if (precision is not > 0 || scale is < 0 || (scale ?? 0) > precision)
                {
                    return null;
                }

                if (type == AvroType.Fixed && precision > MaxDecimalDigits(fixedSize))
                {
                    return null;
                }

                return new LogicalType(Decimal, precision.Value, scale ?? 0);
            case Date or TimeMillis when type == AvroType.Int:
            case TimeMicros or TimestampMillis or TimestampMicros or TimestampNanos or LocalTimestampMillis
                or LocalTimestampMicros or LocalTimestampNanos when type == AvroType.Long:
            case Uuid when type is AvroType.String or AvroType.Fixed && (type != AvroType.Fixed || fixedSize == 16):
            case Duration when type == AvroType.Fixed && fixedSize == 12:
                return new LogicalType(name);
            default:
                return null;
        }
    }

    /// <summary>floor(log10(2^(8n-1) - 1)): the digits a signed n-byte two's-complement number always holds.</summary>
    internal static int MaxDecimalDigits(int bytes) =>
        bytes <= 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Pow(2, (8 * bytes) - 1) - 1));
}

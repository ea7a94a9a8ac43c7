using System.Numerics;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Generic;

/// <summary>
/// Logical values to and from their base Avro values: decimal ↔ <see cref="AvroDecimal"/>; date ↔ DateOnly;
/// time-* ↔ TimeOnly; timestamp-* ↔ DateTime (UTC; local-* unspecified); uuid ↔ Guid. A base value outside the .NET
/// type's range (a timestamp beyond year 9999) is returned as it is rather than failing the whole record.
/// </summary>
public static class LogicalConversions
{
    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static object? FromBase(AvroSchema schema, object? value)
    {
        var logical = schema.LogicalType;
        if (logical is null || value is null)
        {
            return value;
        }

        switch (logical.Name)
        {
            case LogicalType.Decimal:
                var bytes = value is GenericFixed f ? f.Value : (byte[])value;
                return new AvroDecimal(bytes.Length == 0 ? BigInteger.Zero : new BigInteger(bytes, isUnsigned: false, isBigEndian: true), logical.Scale);
            case LogicalType.Date:
                var days = (int)value;
                return days is >= -719162 and <= 2932896 ? DateOnly.FromDayNumber(EpochDayNumber + days) : value;
            case LogicalType.TimeMillis:
                var ms = (int)value;
                return ms is >= 0 and < 86_400_000 ? new TimeOnly(ms * TimeSpan.TicksPerMillisecond) : value;
            case LogicalType.TimeMicros:
                var us = (long)value;
                return us is >= 0 and < 86_400_000_000 ? new TimeOnly(us * 10) : value;
            case LogicalType.TimestampMillis or LogicalType.LocalTimestampMillis:
                return ToDateTime((long)value, TimeSpan.TicksPerMillisecond, 1, logical.Name == LogicalType.TimestampMillis) ?? value;
            case LogicalType.TimestampMicros or LogicalType.LocalTimestampMicros:
                return ToDateTime((long)value, 10, 1, logical.Name == LogicalType.TimestampMicros) ?? value;
            case LogicalType.TimestampNanos or LogicalType.LocalTimestampNanos:
                return ToDateTime((long)value, 1, 100, logical.Name == LogicalType.TimestampNanos) ?? value;
            case LogicalType.Uuid:
                return value switch
                {
                    string s when Guid.TryParse(s, out var g) => g,
                    GenericFixed { Value.Length: 16 } fx => new Guid(fx.Value, bigEndian: true),
                    _ => value,
                };
            default:
                return value;
        }
    }

    /// <summary>The base value for a logical value; base values pass through unchanged.</summary>
    public static object? ToBase(AvroSchema schema, object? value, string path)
    {
        var logical = schema.LogicalType;
        if (logical is null || value is null)
        {
            return value;
        }

        switch (logical.Name)
        {
            case LogicalType.Decimal:
                AvroDecimal dec;
                switch (value)
                {
                    case AvroDecimal d: dec = d; break;
                    case decimal m: dec = AvroDecimal.FromDecimal(m); break;
                    case int or long: dec = new AvroDecimal(new BigInteger(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)), 0); break;
                    case string s: dec = Parse(s, path); break;
                    default: return value; // raw bytes / GenericFixed
                }

                try
                {
                    dec = dec.Rescale(logical.Scale);
                }
                catch (ArgumentException)
                {
                    throw new AvroTypeException($"{path}: {value} has more than the {logical.Scale} decimal places of decimal({logical.Precision},{logical.Scale}).");
                }

                if (dec.Precision > logical.Precision)
                {
                    throw new AvroTypeException($"{path}: {value} has more than the {logical.Precision} digits of decimal({logical.Precision},{logical.Scale}).");
                }

                var bytes = dec.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
                if (schema is FixedSchema fixedSchema)
                {
                    if (bytes.Length > fixedSchema.Size)
                    {
                        throw new AvroTypeException($"{path}: {value} does not fit in {fixedSchema.Size} bytes.");
                    }

                    var padded = new byte[fixedSchema.Size];
                    if (dec.Unscaled.Sign < 0)
                    {
                        Array.Fill(padded, (byte)0xFF);
                    }

                    bytes.CopyTo(padded, fixedSchema.Size - bytes.Length);
                    return new GenericFixed(fixedSchema, padded);
                }

                return bytes;
            case LogicalType.Date:
                return value switch
                {
                    DateOnly d => d.DayNumber - EpochDayNumber,
                    DateTime dt => DateOnly.FromDateTime(dt).DayNumber - EpochDayNumber,
                    _ => value,
                };
            case LogicalType.TimeMillis:
                return value switch
                {
                    TimeOnly t => (int)(t.Ticks / TimeSpan.TicksPerMillisecond),
                    TimeSpan ts => (int)(ts.Ticks / TimeSpan.TicksPerMillisecond),
                    _ => value,
                };
            case LogicalType.TimeMicros:
                return value switch
                {
                    TimeOnly t => t.Ticks / 10,
                    TimeSpan ts => ts.Ticks / 10,
                    _ => value,
                };
            case LogicalType.TimestampMillis or LogicalType.LocalTimestampMillis:
                return FromDateTime(value, TimeSpan.TicksPerMillisecond, 1);
            case LogicalType.TimestampMicros or LogicalType.LocalTimestampMicros:
                return FromDateTime(value, 10, 1);
            case LogicalType.TimestampNanos or LogicalType.LocalTimestampNanos:
                return FromDateTime(value, 1, 100);
            case LogicalType.Uuid:
                return value switch
                {
                    Guid g when schema is FixedSchema fx => new GenericFixed(fx, g.ToByteArray(bigEndian: true)),
                    Guid g => g.ToString(),
                    _ => value,
                };
            default:
                return value;
        }
    }

    private static AvroDecimal Parse(string text, string path)
    {
        try
        {
            return AvroDecimal.Parse(text);
        }
        catch (FormatException)
        {
            throw new AvroTypeException($"{path}: '{text}' is not a decimal number.");
        }
    }

    private static DateTime? ToDateTime(long value, long ticksPerUnit, long unitsPerTick, bool utc)
    {
        var ticks = ticksPerUnit > 1 ? (decimal)value * ticksPerUnit : (decimal)value / unitsPerTick;
        var total = UnixEpoch.Ticks + ticks;
        if (total < DateTime.MinValue.Ticks || total > DateTime.MaxValue.Ticks)
        {
            return null;
        }

        return new DateTime((long)Math.Floor(total), utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
    }

    private static object FromDateTime(object value, long ticksPerUnit, long unitsPerTick)
    {
        long ticks;
        switch (value)
        {
            case DateTimeOffset dto: ticks = dto.UtcTicks - UnixEpoch.Ticks; break;
            case DateTime dt: ticks = (dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt).Ticks - UnixEpoch.Ticks; break;
            default: return value;
        }

        return ticksPerUnit > 1 ? Math.DivRem(ticks, ticksPerUnit, out var rem) - (rem < 0 ? 1 : 0) : ticks * unitsPerTick;
    }
}

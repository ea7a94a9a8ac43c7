using System.Buffers.Binary;
using System.Globalization;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Schema;

namespace CdcBridge.Capture;

/// <summary>
/// Writes one column's value, given as PostgreSQL's text in UTF-8 (what pgoutput sends), as the Avro its field of the
/// Debezium row schema holds, without building a generic value: the hot path of capture. The common Odoo types are
/// written straight from the bytes; any other type or form goes through <see cref="PgTextValues"/> and the generic
/// writer, so both paths write the same bytes (pinned by ChangeEncoderTests).
/// </summary>
internal sealed class ColumnEncoder
{
    private static readonly byte[] NanUpper = "NAN"u8.ToArray();
    private static readonly byte[] ToastPlaceholderUtf8 = System.Text.Encoding.UTF8.GetBytes(Debezium.Events.Unavailable.Placeholder);

    private readonly Kind _kind;
    private readonly PgColumn _column;
    private readonly CaptureSettings _settings;
    private readonly AvroSchema _fieldSchema;
    private readonly AvroSchema _valueSchema;
    private readonly GenericDatumWriter _converted;
    private readonly int _nullBranch = -1;
    private readonly int _valueBranch = -1;

    public ColumnEncoder(PgColumn column, AvroField field, CaptureSettings settings)
    {
        _column = column;
        _settings = settings;
        _fieldSchema = field.Schema;
        _valueSchema = field.Schema;
        if (field.Schema is UnionSchema union)
        {
            _nullBranch = ChangeEncoder.IndexOf(union, b => b.Type == AvroType.Null);
            _valueBranch = ChangeEncoder.IndexOf(union, b => b.Type != AvroType.Null);
            _valueSchema = union.Branches[_valueBranch];
        }

        _converted = new GenericDatumWriter(_valueSchema);
        _kind = KindOf(column, settings);
    }

    private enum Kind
    {
        Int32,
        Int64,
        Boolean,
        Float32,
        Float64,
        Utf8,
        NumericString,
        FixedDecimal,
        VariableDecimal,
        Date,
        TimestampMicros,
        TimestampMillis,
        Converted,
    }

    public string Name => _column.Name;

    /// <summary>Whether the field is a union: a value is preceded by its branch index.</summary>
    public bool Optional => _valueBranch >= 0;

    public void WriteNull(AvroBinaryWriter writer)
    {
        if (_nullBranch < 0)
        {
            throw new InvalidOperationException($"Column {_column.Name} has no value in the change, but its field in the schema is not optional.");
        }

        writer.WriteInt(_nullBranch);
    }

    /// <summary>The union branch of a value (nothing for a field that is not a union).</summary>
    public void WriteValueBranch(AvroBinaryWriter writer)
    {
        if (_valueBranch >= 0)
        {
            writer.WriteInt(_valueBranch);
        }
    }

    /// <summary>Debezium's placeholder for an unchanged TOASTed value: in string and bytes fields, null elsewhere.</summary>
    public void WriteUnchangedToast(AvroBinaryWriter writer)
    {
        if (_valueSchema.Type is AvroType.String or AvroType.Bytes)
        {
            WriteValueBranch(writer);
            writer.WriteBytes(ToastPlaceholderUtf8);
        }
        else
        {
            WriteNull(writer);
        }
    }

    /// <summary>The value itself (after <see cref="WriteValueBranch"/>).</summary>
    public void WriteValue(AvroBinaryWriter writer, ReadOnlySpan<byte> text)
    {
        switch (_kind)
        {
            case Kind.Int32 when PgUtf8Text.TryInt32(text, out var i):
                writer.WriteInt(i);
                return;
            case Kind.Int64 when PgUtf8Text.TryInt64(text, out var l):
                writer.WriteLong(l);
                return;
            case Kind.Boolean:
                writer.WriteBoolean(text.SequenceEqual("t"u8) || text.SequenceEqual("true"u8));
                return;
            case Kind.Float32 when float.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var f):
                writer.WriteFloat(f);
                return;
            case Kind.Float64 when double.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var d):
                writer.WriteDouble(d);
                return;
            case Kind.Utf8:
                writer.WriteBytes(text); // a string is its UTF-8 bytes, length first
                return;
            case Kind.NumericString:
                writer.WriteBytes(text.SequenceEqual("NaN"u8) ? NanUpper : text);
                return;
            case Kind.FixedDecimal when PgUtf8Text.TryDecimal(text, out var unscaled, out var scale) && scale == (_column.Scale ?? 0):
                WriteUnscaled(writer, unscaled);
                return;
            case Kind.VariableDecimal when PgUtf8Text.TryDecimal(text, out var unscaled, out var scale):
                writer.WriteInt(scale);
                WriteUnscaled(writer, unscaled);
                return;
            case Kind.Date when PgUtf8Text.TryDateDays(text, out var days):
                writer.WriteInt(days);
                return;
            case Kind.TimestampMicros when PgUtf8Text.TryTimestampTicks(text, out var ticks):
                writer.WriteLong((ticks - DateTime.UnixEpoch.Ticks) / 10);
                return;
            case Kind.TimestampMillis when PgUtf8Text.TryTimestampTicks(text, out var ticks):
                writer.WriteLong((ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond);
                return;
            default:
                // Every other type, and forms the fast parsers do not take (more than 18 digits, BC dates...).
                var value = PgTextValues.Convert(_column, System.Text.Encoding.UTF8.GetString(text), _settings, _fieldSchema)
                    ?? throw new InvalidOperationException($"Column {_column.Name}: no value for '{System.Text.Encoding.UTF8.GetString(text)}'.");
                _converted.Write(writer, value);
                return;
        }
    }

    /// <summary>An unscaled decimal as Kafka Connect's Decimal writes it: the shortest big-endian two's complement, length first.</summary>
    private static void WriteUnscaled(AvroBinaryWriter writer, long unscaled)
    {
        var length = 1;
        while (length < 8 && (unscaled < -(1L << ((8 * length) - 1)) || unscaled >= 1L << ((8 * length) - 1)))
        {
            length++;
        }

        Span<byte> full = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(full, unscaled);
        writer.WriteBytes(full[(8 - length)..]);
    }

    private static Kind KindOf(PgColumn column, CaptureSettings settings)
    {
        var adaptive = settings.TimePrecision == TimePrecisionMode.Adaptive;
        return column.TypeName switch
        {
            "int2" or "int4" => Kind.Int32,
            "int8" or "oid" => Kind.Int64,
            "bool" => Kind.Boolean,
            "float4" => Kind.Float32,
            "float8" => Kind.Float64,
            "varchar" or "text" or "bpchar" or "char" or "name" or "citext" or "json" or "jsonb" or "uuid" or "timetz" => Kind.Utf8,
            "numeric" => settings.DecimalHandling switch
            {
                DecimalHandlingMode.Double => Kind.Float64,
                DecimalHandlingMode.String => Kind.NumericString,
                _ when column.Precision is > 0 => Kind.FixedDecimal,
                _ => Kind.VariableDecimal,
            },
            "date" => Kind.Date,
            "timestamp" => adaptive && column.Precision is not <= 3 ? Kind.TimestampMicros : Kind.TimestampMillis,
            _ => Kind.Converted,
        };
    }
}

using System.Buffers;
using System.Collections;
using System.Globalization;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Generic;

/// <summary>
/// Encodes generic values (see <see cref="AvroValues"/>) to Avro binary. The schema is compiled once into a tree of
/// writers; a value that does not fit raises <see cref="AvroTypeException"/> naming the field path.
/// </summary>
public sealed class GenericDatumWriter
{
    private delegate void WriteFn(AvroBinaryWriter writer, object? value);

    private readonly WriteFn _write;

    public GenericDatumWriter(AvroSchema schema)
    {
        Schema = schema;
        _write = new Compiler().Build(schema);
    }

    public AvroSchema Schema { get; }

    public void Write(AvroBinaryWriter writer, object? value) => _write(writer, value);

    public byte[] Serialize(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(new AvroBinaryWriter(buffer), value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The index of the union branch a value is written as, or -1 when none fits.</summary>
    public static int SelectBranch(UnionSchema union, object? value)
    {
        // Exact matches first, then promotions (an int into a long branch, a long into a double...).
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < union.Branches.Count; i++)
            {
                if (Fits(union.Branches[i], value, exact: pass == 0))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private static bool Fits(AvroSchema branch, object? value, bool exact)
    {
        if (value is null)
        {
            return branch.Type == AvroType.Null;
        }

        var logical = branch.LogicalType?.Name;
        return (branch, value) switch
        {
            (_, AvroDecimal or decimal) when logical == LogicalType.Decimal => true,
            (_, DateOnly) => logical == LogicalType.Date,
            (_, TimeOnly) => logical is LogicalType.TimeMillis or LogicalType.TimeMicros,
            (_, DateTime or DateTimeOffset) => logical is not null && logical.Contains("timestamp", StringComparison.Ordinal),
            (_, Guid) => logical == LogicalType.Uuid,
            (RecordSchema r, GenericRecord g) => g.Schema.FullName == r.FullName,
            (EnumSchema e, GenericEnumSymbol g) => g.Schema.FullName == e.FullName,
            (FixedSchema f, GenericFixed g) => g.Schema.FullName == f.FullName,
            (FixedSchema f, byte[] b) => !exact && b.Length == f.Size,
            (RecordSchema, IDictionary<string, object?>) => !exact,
            (MapSchema, IDictionary<string, object?>) => true,
            (ArraySchema, IEnumerable and not string and not byte[] and not IDictionary<string, object?>) => true,
            (_, bool) => branch.Type == AvroType.Boolean,
            (_, int or short or byte) => branch.Type == AvroType.Int || (!exact && branch.Type is AvroType.Long or AvroType.Float or AvroType.Double),
            (_, long) => branch.Type == AvroType.Long || (!exact && branch.Type is AvroType.Float or AvroType.Double),
            (_, float) => branch.Type == AvroType.Float || (!exact && branch.Type == AvroType.Double),
            (_, double) => branch.Type == AvroType.Double,
            (_, string) => branch.Type == AvroType.String && logical is null || (!exact && branch.Type == AvroType.String),
            (_, byte[]) => branch.Type == AvroType.Bytes && logical is null || (!exact && branch.Type == AvroType.Bytes),
            _ => false,
        };
    }

    private sealed class Compiler
    {
        private readonly Dictionary<AvroSchema, WriteFn> _named = new(ReferenceEqualityComparer.Instance);

        public WriteFn Build(AvroSchema schema)
        {
            if (schema is NamedSchema && _named.TryGetValue(schema, out var known))
            {
                return known;
            }

            if (schema is RecordSchema record)
            {
                // Register a forwarder before building the fields, so recursive records terminate.
                WriteFn? built = null;
                _named[schema] = (w, v) => built!(w, v);
                built = BuildRecord(record);
                _named[schema] = built;
                return built;
            }

            var fn = BuildBase(schema);
            if (schema.LogicalType is not null)
            {
                var inner = fn;
                fn = (w, v) => inner(w, LogicalConversions.ToBase(schema, v, ""));
            }

            if (schema is NamedSchema)
            {
                _named[schema] = fn;
            }

            return fn;
        }

        private WriteFn BuildBase(AvroSchema schema) => schema switch
        {
            UnionSchema union => BuildUnion(union),
            EnumSchema e => (w, v) => w.WriteInt(v switch
            {
                GenericEnumSymbol g => Index(e, g.Symbol),
                string s => Index(e, s),
                _ => throw Mismatch(e, v),
            }),
            FixedSchema f => (w, v) =>
            {
                var bytes = v switch { GenericFixed g => g.Value, byte[] b => b, _ => throw Mismatch(f, v) };
                if (bytes.Length != f.Size)
                {
                    throw new AvroTypeException($"fixed {f.FullName} takes {f.Size} bytes, not {bytes.Length}");
                }

                w.WriteFixed(bytes);
            }
            ,
            ArraySchema a => BuildArray(a),
            MapSchema m => BuildMap(m),
            _ => BuildPrimitive(schema),
        };

        private static WriteFn BuildPrimitive(AvroSchema schema) => schema.Type switch
        {
            AvroType.Null => (_, v) =>
            {
                if (v is not null)
                {
                    throw Mismatch(schema, v);
                }
            }
            ,
            AvroType.Boolean => (w, v) => w.WriteBoolean(v is bool b ? b : throw Mismatch(schema, v)),
            AvroType.Int => (w, v) => w.WriteInt(v switch
            {
                int i => i,
                short or byte or sbyte or ushort => Convert.ToInt32(v, CultureInfo.InvariantCulture),
                long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                _ => throw Mismatch(schema, v),
            }),
            AvroType.Long => (w, v) => w.WriteLong(v switch
            {
                long l => l,
                int or short or byte or sbyte or ushort or uint => Convert.ToInt64(v, CultureInfo.InvariantCulture),
                _ => throw Mismatch(schema, v),
            }),
            AvroType.Float => (w, v) => w.WriteFloat(v switch
            {
                float f => f,
                double d => (float)d,
                int or long => Convert.ToSingle(v, CultureInfo.InvariantCulture),
                _ => throw Mismatch(schema, v),
            }),
            AvroType.Double => (w, v) => w.WriteDouble(v switch
            {
                double d => d,
                float or int or long or decimal => Convert.ToDouble(v, CultureInfo.InvariantCulture),
                _ => throw Mismatch(schema, v),
            }),
            AvroType.Bytes => (w, v) => w.WriteBytes(v switch
            {
                byte[] b => b,
                ReadOnlyMemory<byte> m => m.Span,
                _ => throw Mismatch(schema, v),
            }),
            AvroType.String => (w, v) => w.WriteString(v switch
            {
                string s => s,
                GenericEnumSymbol e => e.Symbol,
                _ => throw Mismatch(schema, v),
            }),
            _ => throw new InvalidOperationException($"No writer for {schema.Type}."),
        };

        private WriteFn BuildRecord(RecordSchema record)
        {
            var fields = record.Fields.Select(f => (Field: f, Write: Build(f.Schema))).ToArray();
            return (w, v) =>
            {
                switch (v)
                {
                    case GenericRecord g when ReferenceEquals(g.Schema, record):
                        foreach (var (field, write) in fields)
                        {
                            WriteField(w, field, write, g[field.Position]);
                        }

                        break;
                    case GenericRecord g when g.Schema.FullName == record.FullName:
                        foreach (var (field, write) in fields)
                        {
                            WriteField(w, field, write, g.TryGet(field.Name, out var value) ? value : throw MissingField(record, field));
                        }

                        break;
                    case IDictionary<string, object?> map:
                        foreach (var (field, write) in fields)
                        {
                            WriteField(w, field, write, map.TryGetValue(field.Name, out var value) ? value : throw MissingField(record, field));
                        }

                        break;
                    default:
                        throw Mismatch(record, v);
                }
            };
        }

        private static void WriteField(AvroBinaryWriter w, AvroField field, WriteFn write, object? value)
        {
            try
            {
                write(w, value);
            }
            catch (AvroTypeException e)
            {
                throw new AvroTypeException(e.Message.StartsWith(':') ? $"{field.Name}{e.Message}" : $"{field.Name}: {e.Message}");
            }
        }

        private WriteFn BuildUnion(UnionSchema union)
        {
            var branches = union.Branches.Select(Build).ToArray();
            return (w, v) =>
            {
                var index = SelectBranch(union, v);
                if (index < 0)
                {
                    throw new AvroTypeException(
                        $"{Describe(v)} fits no branch of the union [{string.Join(", ", union.Branches.Select(b => b.BranchName))}]");
                }

                w.WriteInt(index);
                branches[index](w, v);
            };
        }

        private WriteFn BuildArray(ArraySchema array)
        {
            var item = Build(array.Items);
            return (w, v) =>
            {
                if (v is not IEnumerable items || v is string or byte[])
                {
                    throw Mismatch(array, v);
                }

                var list = items as ICollection ?? items.Cast<object?>().ToList();
                if (list.Count > 0)
                {
                    w.WriteLong(list.Count);
                    var i = 0;
                    foreach (var element in list)
                    {
                        try
                        {
                            item(w, element);
                        }
                        catch (AvroTypeException e)
                        {
                            throw new AvroTypeException($"[{i}]: {e.Message}");
                        }

                        i++;
                    }
                }

                w.WriteLong(0);
            };
        }

        private WriteFn BuildMap(MapSchema map)
        {
            var value = Build(map.Values);
            return (w, v) =>
            {
                if (v is not IEnumerable<KeyValuePair<string, object?>> entries)
                {
                    throw Mismatch(map, v);
                }

                var list = entries as ICollection<KeyValuePair<string, object?>> ?? entries.ToList();
                if (list.Count > 0)
                {
                    w.WriteLong(list.Count);
                    foreach (var (key, element) in list)
                    {
                        w.WriteString(key);
                        try
                        {
                            value(w, element);
                        }
                        catch (AvroTypeException e)
                        {
                            throw new AvroTypeException($"[\"{key}\"]: {e.Message}");
                        }
                    }
                }

                w.WriteLong(0);
            };
        }

        private static int Index(EnumSchema e, string symbol)
        {
            var i = e.IndexOf(symbol);
            return i >= 0 ? i : throw new AvroTypeException($"'{symbol}' is not a symbol of enum {e.FullName} ({string.Join(", ", e.Symbols)})");
        }

        private static AvroTypeException MissingField(RecordSchema record, AvroField field) =>
            new($"record {record.FullName} needs a value for field '{field.Name}'");

        private static AvroTypeException Mismatch(AvroSchema schema, object? value) =>
            new($"expected {Expected(schema)}, got {Describe(value)}");

        private static string Expected(AvroSchema schema) =>
            schema.LogicalType is { } l ? $"{schema.BranchName} ({l.Name})" : schema.BranchName;

        private static string Describe(object? value) => value is null ? "null" : $"{value.GetType().Name} {value}";
    }
}

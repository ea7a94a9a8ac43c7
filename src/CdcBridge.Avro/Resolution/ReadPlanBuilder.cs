using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Json;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Resolution;

internal delegate object? ReadFn(ref AvroBinaryReader reader);

internal delegate void SkipFn(ref AvroBinaryReader reader);

/// <summary>
/// Compiles a writer schema and a reader schema into one reading function, applying Avro's resolution rules
/// (specification, "Schema Resolution"): promotions, reader defaults for fields the writer lacks, skipping fields the
/// reader lacks, enum defaults, union branch matching, name aliases. A pair that can never be read fails here with
/// <see cref="AvroSchemaException"/>; a union branch that cannot be read fails only when data takes that branch.
/// </summary>
internal sealed class ReadPlanBuilder
{
    private readonly Dictionary<(AvroSchema, AvroSchema), ReadFn> _plans = new(new PairComparer());
    private readonly Dictionary<AvroSchema, SkipFn> _skips = new(ReferenceEqualityComparer.Instance);

    public ReadFn Build(AvroSchema writer, AvroSchema reader)
    {
        var key = (writer, reader);
        if (_plans.TryGetValue(key, out var known))
        {
            return known;
        }

        if (writer is RecordSchema || reader is RecordSchema)
        {
            ReadFn? built = null;
            _plans[key] = (ref AvroBinaryReader r) => built!(ref r); // recursion placeholder
            built = BuildCore(writer, reader);
            _plans[key] = built;
            return built;
        }

        var fn = BuildCore(writer, reader);
        _plans[key] = fn;
        return fn;
    }

    private ReadFn BuildCore(AvroSchema writer, AvroSchema reader)
    {
        if (writer is UnionSchema writerUnion)
        {
            var branches = writerUnion.Branches.Select(b => TryBuild(b, reader)).ToArray();
            var count = branches.Length;
            return (ref AvroBinaryReader r) =>
            {
                var index = r.ReadIndex(count, "union branch");
                return branches[index](ref r);
            };
        }

        if (reader is UnionSchema readerUnion)
        {
            var branch = BestBranch(readerUnion, writer)
                ?? throw new AvroSchemaException($"The writer's {writer.BranchName} matches no branch of the reader's union.");
            return Build(writer, branch);
        }

        var convert = reader.LogicalType is null ? null : reader;
        var read = BuildBase(writer, reader);
        if (convert is null)
        {
            return read;
        }

        return (ref AvroBinaryReader r) => LogicalConversions.FromBase(convert, read(ref r));
    }

    private ReadFn TryBuild(AvroSchema writer, AvroSchema reader)
    {
        try
        {
            return Build(writer, reader);
        }
        catch (AvroSchemaException e)
        {
            var message = e.Message;
            return (ref AvroBinaryReader r) => throw new AvroDecodeException($"Data written as {writer.BranchName} cannot be read: {message}");
        }
    }

    private ReadFn BuildBase(AvroSchema writer, AvroSchema reader)
    {
        switch (writer.Type, reader.Type)
        {
            case (AvroType.Null, AvroType.Null): return static (ref AvroBinaryReader _) => null;
            case (AvroType.Boolean, AvroType.Boolean): return static (ref AvroBinaryReader r) => r.ReadBoolean();
            case (AvroType.Int, AvroType.Int): return static (ref AvroBinaryReader r) => r.ReadInt();
            case (AvroType.Int, AvroType.Long): return static (ref AvroBinaryReader r) => (long)r.ReadInt();
            case (AvroType.Int, AvroType.Float): return static (ref AvroBinaryReader r) => (float)r.ReadInt();
            case (AvroType.Int, AvroType.Double): return static (ref AvroBinaryReader r) => (double)r.ReadInt();
            case (AvroType.Long, AvroType.Long): return static (ref AvroBinaryReader r) => r.ReadLong();
            case (AvroType.Long, AvroType.Float): return static (ref AvroBinaryReader r) => (float)r.ReadLong();
            case (AvroType.Long, AvroType.Double): return static (ref AvroBinaryReader r) => (double)r.ReadLong();
            case (AvroType.Float, AvroType.Float): return static (ref AvroBinaryReader r) => r.ReadFloat();
            case (AvroType.Float, AvroType.Double): return static (ref AvroBinaryReader r) => (double)r.ReadFloat();
            case (AvroType.Double, AvroType.Double): return static (ref AvroBinaryReader r) => r.ReadDouble();
            case (AvroType.Bytes, AvroType.Bytes): return static (ref AvroBinaryReader r) => r.ReadBytes();
            case (AvroType.Bytes, AvroType.String): return static (ref AvroBinaryReader r) => System.Text.Encoding.UTF8.GetString(r.ReadBytesSpan());
            case (AvroType.String, AvroType.String): return static (ref AvroBinaryReader r) => r.ReadString();
            case (AvroType.String, AvroType.Bytes): return static (ref AvroBinaryReader r) => r.ReadBytes();
        }

        return (writer, reader) switch
        {
            (RecordSchema w, RecordSchema rd) => BuildRecord(w, rd),
            (EnumSchema w, EnumSchema rd) => BuildEnum(w, rd),
            (FixedSchema w, FixedSchema rd) => BuildFixed(w, rd),
            (ArraySchema w, ArraySchema rd) => BuildArray(w, rd),
            (MapSchema w, MapSchema rd) => BuildMap(w, rd),
            _ => throw new AvroSchemaException($"The writer's {writer.BranchName} cannot be read as {reader.BranchName}."),
        };
    }

    private ReadFn BuildRecord(RecordSchema writer, RecordSchema reader)
    {
        RequireNames(writer, reader);
        var steps = new List<(int Target, ReadFn? Read, SkipFn? Skip)>();
        var filled = new HashSet<int>();
        foreach (var wf in writer.Fields)
        {
            var rf = reader.GetField(wf.Name) ?? reader.Fields.FirstOrDefault(f => f.Aliases.Contains(wf.Name));
            if (rf is null)
            {
                steps.Add((-1, null, Skipper(wf.Schema)));
            }
            else
            {
                ReadFn read;
                try
                {
                    read = Build(wf.Schema, rf.Schema);
                }
                catch (AvroSchemaException e)
                {
                    throw new AvroSchemaException($"Field {reader.FullName}.{rf.Name}: {e.Message}");
                }

                steps.Add((rf.Position, read, null));
                filled.Add(rf.Position);
            }
        }

        var defaults = new List<(int Position, AvroField Field, object? Value)>();
        foreach (var rf in reader.Fields.Where(f => !filled.Contains(f.Position)))
        {
            if (!rf.HasDefault)
            {
                throw new AvroSchemaException($"Field {reader.FullName}.{rf.Name} is missing from the writer's schema and has no default.");
            }

            defaults.Add((rf.Position, rf, AvroJsonDecoder.DecodeDefault(rf.Schema, rf.Default)));
        }

        var plan = steps.ToArray();
        var fills = defaults.ToArray();
        return (ref AvroBinaryReader r) =>
        {
            var record = new GenericRecord(reader);
            foreach (var (target, read, skip) in plan)
            {
                if (read is not null)
                {
                    record[target] = read(ref r);
                }
                else
                {
                    skip!(ref r);
                }
            }

            foreach (var (position, field, value) in fills)
            {
                // Mutable defaults (lists, maps, records) are fresh per record.
                record[position] = value is null or string or ValueType ? value : AvroJsonDecoder.DecodeDefault(field.Schema, field.Default);
            }

            return record;
        };
    }

    private static ReadFn BuildEnum(EnumSchema writer, EnumSchema reader)
    {
        RequireNames(writer, reader);
        var map = writer.Symbols.Select(s => reader.IndexOf(s) >= 0 ? new GenericEnumSymbol(reader, s)
            : reader.Default is not null ? new GenericEnumSymbol(reader, reader.Default) : null).ToArray();
        return (ref AvroBinaryReader r) =>
        {
            var index = r.ReadIndex(map.Length, "enum");
            return map[index] ?? throw new AvroDecodeException(
                $"The writer's symbol '{writer.Symbols[index]}' is not in the reader's enum {reader.FullName}, which has no default.");
        };
    }

    private static ReadFn BuildFixed(FixedSchema writer, FixedSchema reader)
    {
        RequireNames(writer, reader);
        if (writer.Size != reader.Size)
        {
            throw new AvroSchemaException($"Fixed {reader.FullName}: the writer has {writer.Size} bytes, the reader {reader.Size}.");
        }

        var size = reader.Size;
        return (ref AvroBinaryReader r) => new GenericFixed(reader, r.ReadFixed(size).ToArray());
    }

    private ReadFn BuildArray(ArraySchema writer, ArraySchema reader)
    {
        var item = Build(writer.Items, reader.Items);
        var minSize = MinimumSize(writer.Items);
        return (ref AvroBinaryReader r) =>
        {
            var list = new List<object?>();
            for (var count = r.ReadBlockCount(minSize); count != 0; count = r.ReadBlockCount(minSize))
            {
                if (list.Count + count > AvroBinaryReader.MaxItemsWithoutBytes && minSize == 0)
                {
                    throw r.Error("an array of more items than the decoder allows for zero-byte items");
                }

                list.EnsureCapacity(list.Count + (int)count);
                for (var i = 0; i < count; i++)
                {
                    list.Add(item(ref r));
                }
            }

            return list;
        };
    }

    private ReadFn BuildMap(MapSchema writer, MapSchema reader)
    {
        var value = Build(writer.Values, reader.Values);
        var minSize = 1 + MinimumSize(writer.Values); // a key takes at least its length byte
        return (ref AvroBinaryReader r) =>
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var count = r.ReadBlockCount(minSize); count != 0; count = r.ReadBlockCount(minSize))
            {
                for (var i = 0; i < count; i++)
                {
                    var key = r.ReadString();
                    map[key] = value(ref r);
                }
            }

            return map;
        };
    }

    /// <summary>Skips a value the reader does not want, using block byte sizes where the writer gave them.</summary>
    internal SkipFn Skipper(AvroSchema schema)
    {
        if (_skips.TryGetValue(schema, out var known))
        {
            return known;
        }

        if (schema is RecordSchema rec)
        {
            SkipFn? built = null;
            _skips[schema] = (ref AvroBinaryReader r) => built!(ref r);
            var fields = rec.Fields.Select(f => Skipper(f.Schema)).ToArray();
            built = (ref AvroBinaryReader r) =>
            {
                foreach (var skip in fields)
                {
                    skip(ref r);
                }
            };
            _skips[schema] = built;
            return built;
        }

        SkipFn fn = schema switch
        {
            UnionSchema u => SkipUnion(u),
            EnumSchema => static (ref AvroBinaryReader r) => r.ReadInt(),
            FixedSchema f => (ref AvroBinaryReader r) => r.Skip(f.Size),
            ArraySchema a => SkipBlocks(Skipper(a.Items), null),
            MapSchema m => SkipBlocks(Skipper(m.Values), static (ref AvroBinaryReader r) => r.SkipBytes()),
            _ => schema.Type switch
            {
                AvroType.Null => static (ref AvroBinaryReader _) => { }
                ,
                AvroType.Boolean => static (ref AvroBinaryReader r) => r.Skip(1),
                AvroType.Int => static (ref AvroBinaryReader r) => r.ReadInt(),
                AvroType.Long => static (ref AvroBinaryReader r) => r.ReadLong(),
                AvroType.Float => static (ref AvroBinaryReader r) => r.Skip(4),
                AvroType.Double => static (ref AvroBinaryReader r) => r.Skip(8),
                _ => static (ref AvroBinaryReader r) => r.SkipBytes(), // bytes, string
            },
        };
        _skips[schema] = fn;
        return fn;
    }

    private SkipFn SkipUnion(UnionSchema union)
    {
        var branches = union.Branches.Select(Skipper).ToArray();
        return (ref AvroBinaryReader r) => branches[r.ReadIndex(branches.Length, "union branch")](ref r);
    }

    private static SkipFn SkipBlocks(SkipFn item, SkipFn? key) => (ref AvroBinaryReader r) =>
    {
        for (var count = r.ReadBlockCountForSkip(out var size); count != 0; count = r.ReadBlockCountForSkip(out size))
        {
            if (size >= 0)
            {
                r.Skip((int)size);
                continue;
            }

            for (var i = 0; i < count; i++)
            {
                key?.Invoke(ref r);
                item(ref r);
            }
        }
    };

    /// <summary>The fewest bytes one value of the schema takes; bounds block counts against the input.</summary>
    internal static int MinimumSize(AvroSchema schema) => MinimumSize(schema, new HashSet<AvroSchema>(ReferenceEqualityComparer.Instance));

    private static int MinimumSize(AvroSchema schema, HashSet<AvroSchema> visiting) => schema switch
    {
        RecordSchema r when !visiting.Add(r) => 0,
        RecordSchema r => r.Fields.Sum(f => MinimumSize(f.Schema, visiting)),
        UnionSchema => 1,
        FixedSchema f => f.Size,
        _ => schema.Type switch
        {
            AvroType.Null => 0,
            AvroType.Float => 4,
            AvroType.Double => 8,
            _ => 1,
        },
    };

    private static void RequireNames(NamedSchema writer, NamedSchema reader)
    {
        if (!reader.MatchesWriterName(writer))
        {
            throw new AvroSchemaException($"The writer's {writer.FullName} does not match the reader's {reader.FullName} (names or aliases).");
        }
    }

    /// <summary>The reader branch a non-union writer resolves to: same type (and name) first, then a promotion.</summary>
    internal static AvroSchema? BestBranch(UnionSchema reader, AvroSchema writer)
    {
        foreach (var branch in reader.Branches)
        {
            if (branch.Type == writer.Type && (branch is not NamedSchema n || (writer is NamedSchema w && n.MatchesWriterName(w))))
            {
                return branch;
            }
        }

        foreach (var branch in reader.Branches)
        {
            if (branch.Type == writer.Type || Promotes(writer.Type, branch.Type))
            {
                return branch;
            }
        }

        return null;
    }

    internal static bool Promotes(AvroType writer, AvroType reader) => (writer, reader) switch
    {
        (AvroType.Int, AvroType.Long or AvroType.Float or AvroType.Double) => true,
        (AvroType.Long, AvroType.Float or AvroType.Double) => true,
        (AvroType.Float, AvroType.Double) => true,
        (AvroType.String, AvroType.Bytes) or (AvroType.Bytes, AvroType.String) => true,
        _ => false,
    };

    private sealed class PairComparer : IEqualityComparer<(AvroSchema, AvroSchema)>
    {
        public bool Equals((AvroSchema, AvroSchema) x, (AvroSchema, AvroSchema) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((AvroSchema, AvroSchema) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }
}

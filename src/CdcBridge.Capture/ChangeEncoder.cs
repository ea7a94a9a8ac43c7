using System.Buffers;
using System.Text;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Schemas;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Schema;
using Npgsql.Replication.PgOutput;

namespace CdcBridge.Capture;

/// <summary>
/// Writes a table's Kafka keys and Debezium envelopes in Confluent Avro straight from PostgreSQL's column texts: one
/// row image per row (its bytes reused for before/after and the key), the source block and envelope written field by
/// field in the order of the schemas <see cref="DebeziumSchemas"/> builds (checked here), no generic values between.
/// The bytes are those the generic serializer writes for the same values (ChangeEncoderTests). Not thread-safe: one
/// capture loop uses it.
/// </summary>
internal sealed class ChangeEncoder
{
    private static readonly string[] EnvelopeFields = ["before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"];

    private static readonly string[] SourceFields =
        ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin"];

    private readonly ColumnEncoder[] _columns;
    private readonly int[] _keyColumns;
    private readonly int[] _valueStart;
    private readonly int[] _valueEnd;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly AvroBinaryWriter _writer;
    private readonly Branches[] _envelope;
    private readonly Branches[] _source;
    private readonly byte[] _version = Encoding.UTF8.GetBytes(CaptureSettings.EmulatedDebeziumVersion);
    private readonly byte[] _connector = "postgresql"u8.ToArray();
    private readonly byte[] _serverName;
    private readonly byte[] _database;
    private readonly byte[] _schema;
    private readonly byte[] _table;
    private byte[] _text = new byte[256];

    public ChangeEncoder(PgTable table, CaptureSettings settings, RecordSchema envelope, RecordSchema? key, string database)
    {
        var row = (RecordSchema)((UnionSchema)envelope.GetField("before")!.Schema).Branches.First(b => b.Type != AvroType.Null);
        _columns = [.. table.Columns.Select((c, i) => new ColumnEncoder(c, row.Fields[i], settings))];
        _valueStart = new int[_columns.Length];
        _valueEnd = new int[_columns.Length];
        _keyColumns = key is null ? [] : [.. key.Fields.Select(f => KeyColumn(table, f))];
        _envelope = Layout(envelope, EnvelopeFields);
        _source = Layout((RecordSchema)envelope.GetField("source")!.Schema, SourceFields);
        _writer = new AvroBinaryWriter(_buffer);
        _serverName = Encoding.UTF8.GetBytes(settings.TopicPrefix);
        _database = Encoding.UTF8.GetBytes(database);
        _schema = Encoding.UTF8.GetBytes(table.Schema);
        _table = Encoding.UTF8.GetBytes(table.Name);
    }

    /// <summary>The registry's id of the envelope schema (set once registered).</summary>
    public int ValueSchemaId { get; set; } = -1;

    /// <summary>The registry's id of the key schema (set once registered).</summary>
    public int KeySchemaId { get; set; } = -1;

    /// <summary>A row of a pgoutput message (new, old or key tuple).</summary>
    public async ValueTask<EncodedRow> ReadAsync(ReplicationTuple tuple, CancellationToken ct)
    {
        _buffer.ResetWrittenCount();
        var i = 0;
        await foreach (var value in tuple.WithCancellation(ct))
        {
            if (i < _columns.Length)
            {
                switch (value.Kind)
                {
                    case TupleDataKind.Null:
                        Null(i);
                        break;
                    case TupleDataKind.UnchangedToastedValue:
                        UnchangedToast(i);
                        break;
                    default:
                        var length = value.Length;
                        if (_text.Length < length)
                        {
                            _text = new byte[Math.Max(length, _text.Length * 2)];
                        }

                        await value.GetStream().ReadExactlyAsync(_text.AsMemory(0, length), ct);
                        Value(i, _text.AsSpan(0, length));
                        break;
                }
            }

            i++;
        }

        for (; i < _columns.Length; i++)
        {
            Null(i);
        }

        return Image();
    }

    /// <summary>A row from column texts in column order (the snapshot's <c>::text</c> reads); null is SQL NULL.</summary>
    public EncodedRow FromTexts(IReadOnlyList<string?> texts)
    {
        _buffer.ResetWrittenCount();
        for (var i = 0; i < _columns.Length; i++)
        {
            var text = i < texts.Count ? texts[i] : null;
            if (text is null)
            {
                Null(i);
                continue;
            }

            var length = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_text.Length < length)
            {
                _text = new byte[Math.Max(length, _text.Length * 2)];
            }

            Value(i, _text.AsSpan(0, Encoding.UTF8.GetBytes(text, _text)));
        }

        return Image();
    }

    /// <summary>The envelope in Confluent's framing.</summary>
    public byte[] Envelope(EncodedRow? before, EncodedRow? after, in SourceBlock source, string op, long nowMicros)
    {
        if (ValueSchemaId < 0)
        {
            throw new InvalidOperationException("The envelope schema is not registered yet.");
        }

        _buffer.ResetWrittenCount();
        ConfluentWireFormat.WriteHeader(_buffer.GetSpan(ConfluentWireFormat.HeaderSize), ValueSchemaId);
        _buffer.Advance(ConfluentWireFormat.HeaderSize);
        var w = _writer;
        WriteImage(_envelope[0], before);
        WriteImage(_envelope[1], after);
        WriteSource(source);
        w.WriteInt(_envelope[3].Null); // transaction: no transaction metadata (provide.transaction.metadata off)
        w.WriteString(op);
        OptionalLong(_envelope[5], nowMicros / 1000);
        OptionalLong(_envelope[6], nowMicros);
        OptionalLong(_envelope[7], nowMicros * 1000);
        return _buffer.WrittenSpan.ToArray();
    }

    private void WriteSource(in SourceBlock source)
    {
        var w = _writer;
        w.WriteBytes(_version);
        w.WriteBytes(_connector);
        w.WriteBytes(_serverName);
        w.WriteLong(source.AtMicros / 1000);
        w.WriteInt(_source[4].Value); // snapshot: never null
        w.WriteString(source.Snapshot);
        w.WriteBytes(_database);
        if (source.Sequence is { } sequence)
        {
            w.WriteInt(_source[6].Value);
            w.WriteString(sequence);
        }
        else
        {
            w.WriteInt(_source[6].Null);
        }

        OptionalLong(_source[7], source.AtMicros);
        OptionalLong(_source[8], source.AtMicros * 1000);
        w.WriteBytes(_schema);
        w.WriteBytes(_table);
        OptionalLong(_source[11], source.TxId);
        OptionalLong(_source[12], source.Lsn);
        w.WriteInt(_source[13].Null); // xmin: Debezium writes it only with xmin.fetch.interval.ms
    }

    private void WriteImage(Branches branches, EncodedRow? image)
    {
        if (image is null)
        {
            _writer.WriteInt(branches.Null);
            return;
        }

        _writer.WriteInt(branches.Value);
        _writer.WriteFixed(image.Value);
    }

    private void OptionalLong(Branches branches, long? value)
    {
        if (value is { } v)
        {
            _writer.WriteInt(branches.Value);
            _writer.WriteLong(v);
        }
        else
        {
            _writer.WriteInt(branches.Null);
        }
    }

    private void Null(int column)
    {
        _columns[column].WriteNull(_writer);
        _valueStart[column] = -1;
    }

    private void UnchangedToast(int column)
    {
        _columns[column].WriteUnchangedToast(_writer);
        _valueStart[column] = -1; // a primary key is never TOASTed out of line
    }

    private void Value(int column, ReadOnlySpan<byte> text)
    {
        var encoder = _columns[column];
        encoder.WriteValueBranch(_writer);
        _valueStart[column] = _buffer.WrittenCount;
        encoder.WriteValue(_writer, text);
        _valueEnd[column] = _buffer.WrittenCount;
    }

    /// <summary>The row just written, and its key: the key columns' value bytes, which are the key record's fields.</summary>
    private EncodedRow Image()
    {
        var row = _buffer.WrittenSpan;
        byte[]? key = null;
        if (_keyColumns.Length > 0)
        {
            if (KeySchemaId < 0)
            {
                throw new InvalidOperationException("The key schema is not registered yet.");
            }

            var length = ConfluentWireFormat.HeaderSize;
            foreach (var c in _keyColumns)
            {
                if (_valueStart[c] < 0)
                {
                    throw new InvalidOperationException($"Primary key column {_columns[c].Name} has no value in the change.");
                }

                length += _valueEnd[c] - _valueStart[c];
            }

            key = new byte[length];
            ConfluentWireFormat.WriteHeader(key, KeySchemaId);
            var at = ConfluentWireFormat.HeaderSize;
            foreach (var c in _keyColumns)
            {
                var bytes = row[_valueStart[c].._valueEnd[c]];
                bytes.CopyTo(key.AsSpan(at));
                at += bytes.Length;
            }
        }

        return new EncodedRow(row.ToArray(), key);
    }

    private static int KeyColumn(PgTable table, AvroField field)
    {
        if (field.Schema is UnionSchema)
        {
            throw new NotSupportedException($"Key field {field.Name} of {table.Name} is optional; a primary key column never is.");
        }

        var index = table.Columns.ToList().FindIndex(c => c.Name == field.Name);
        return index >= 0 ? index : throw new InvalidOperationException($"Key field {field.Name} is not a column of {table.Name}.");
    }

    /// <summary>Checks the record's fields are the expected ones in order, and notes each union's null and value branch.</summary>
    private static Branches[] Layout(RecordSchema record, string[] expected)
    {
        var names = record.Fields.Select(f => f.Name).ToArray();
        if (!names.SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                $"{record.FullName} has fields [{string.Join(", ", names)}]; the encoder writes [{string.Join(", ", expected)}].");
        }

        return [.. record.Fields.Select(f => f.Schema is UnionSchema u
            ? new Branches(IndexOf(u, b => b.Type == AvroType.Null), IndexOf(u, b => b.Type != AvroType.Null))
            : new Branches(-1, -1))];
    }

    /// <summary>The index of the first branch that matches, or -1.</summary>
    internal static int IndexOf(UnionSchema union, Func<AvroSchema, bool> match)
    {
        for (var i = 0; i < union.Branches.Count; i++)
        {
            if (match(union.Branches[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private readonly record struct Branches(int Null, int Value);
}

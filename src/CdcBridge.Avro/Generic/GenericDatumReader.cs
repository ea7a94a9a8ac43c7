using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Resolution;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Generic;

/// <summary>
/// Decodes Avro binary written with <see cref="WriterSchema"/> into generic values shaped by <see cref="ReaderSchema"/>
/// (the same schema when none is given), resolving the two as the specification says. Compile once, read many.
/// </summary>
public sealed class GenericDatumReader
{
    private readonly ReadFn _read;

    public GenericDatumReader(AvroSchema writerSchema, AvroSchema? readerSchema = null)
    {
        WriterSchema = writerSchema;
        ReaderSchema = readerSchema ?? writerSchema;
        _read = new ReadPlanBuilder().Build(WriterSchema, ReaderSchema);
    }

    public AvroSchema WriterSchema { get; }

    public AvroSchema ReaderSchema { get; }

    public object? Read(ref AvroBinaryReader reader) => _read(ref reader);

    /// <summary>Reads exactly one value; bytes left over are an error (they mean the writer used another schema).</summary>
    public object? Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new AvroBinaryReader(data);
        var value = _read(ref reader);
        if (reader.Remaining != 0)
        {
            throw reader.Error($"{reader.Remaining} bytes left after the value");
        }

        return value;
    }
}

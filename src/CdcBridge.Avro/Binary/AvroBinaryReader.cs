using System.Buffers.Binary;
using System.Text;

namespace CdcBridge.Avro.Binary;

/// <summary>
/// Reads Avro's binary primitives from a span. Every length and count is checked against the bytes left before
/// anything is allocated, so malformed input fails fast with <see cref="AvroDecodeException"/>.
/// </summary>
public ref struct AvroBinaryReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public bool ReadBoolean()
    {
        var b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw Error($"a boolean must be 0 or 1, found {b}"),
        };
    }

    public int ReadInt()
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28 && (b & 0xF0) != 0)
            {
                throw Error("an int varint longer than 32 bits");
            }

            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (int)(result >> 1) ^ -(int)(result & 1);
            }
        }

        throw Error("an int varint longer than 5 bytes");
    }

    public long ReadLong()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63 && (b & 0xFE) != 0)
            {
                throw Error("a long varint longer than 64 bits");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(result >> 1) ^ -(long)(result & 1);
            }
        }

        throw Error("a long varint longer than 10 bytes");
    }

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public byte[] ReadBytes() => Take(ReadLength("bytes")).ToArray();

    public ReadOnlySpan<byte> ReadBytesSpan() => Take(ReadLength("bytes"));

    public string ReadString()
    {
        var bytes = Take(ReadLength("string"));
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string that is not valid UTF-8");
        }
    }

    public ReadOnlySpan<byte> ReadFixed(int size) => Take(size);

    public void SkipBytes() => Take(ReadLength("bytes"));

    public void Skip(int count) => Take(count);

    /// <summary>The count of the next block of an array or map (0 ends it); a negative count carries a byte size, read and dropped here.</summary>
    public long ReadBlockCount(int minItemSize)
    {
        var count = ReadLong();
        if (count < 0)
        {
            if (count == long.MinValue)
            {
                throw Error("a block count of -2^63");
            }

            count = -count;
            var size = ReadLong();
            if (size < 0)
            {
                throw Error($"a negative block size {size}");
            }
        }

        // Bound what a block can claim before anything is allocated for it.
        if (minItemSize > 0 ? count > Remaining / minItemSize : count > MaxItemsWithoutBytes)
        {
            throw Error($"a block of {count} items that {Remaining} remaining bytes cannot hold");
        }

        return count;
    }

    /// <summary>Returns the block's byte size when the writer gave one (negative count), to skip it whole; otherwise -1.</summary>
    public long ReadBlockCountForSkip(out long byteSize)
    {
        var count = ReadLong();
        byteSize = -1;
        if (count < 0)
        {
            if (count == long.MinValue)
            {
                throw Error("a block count of -2^63");
            }

            count = -count;
            byteSize = ReadLong();
            if (byteSize < 0 || byteSize > Remaining)
            {
                throw Error($"a block size {byteSize} beyond the {Remaining} remaining bytes");
            }
        }

        return count;
    }

    public int ReadIndex(int count, string what)
    {
        var index = ReadInt();
        if (index < 0 || index >= count)
        {
            throw Error($"{what} index {index} outside 0..{count - 1}");
        }

        return index;
    }

    public readonly AvroDecodeException Error(string problem) => new($"Invalid Avro data at byte {_position}: {problem}.");

    /// <summary>Items of zero-byte types (null, empty records) cannot be bounded by the input; this caps them.</summary>
    internal const long MaxItemsWithoutBytes = 1 << 24;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private int ReadLength(string what)
    {
        var length = ReadLong();
        if (length < 0)
        {
            throw Error($"a negative {what} length {length}");
        }

        if (length > Remaining)
        {
            throw Error($"a {what} length {length} beyond the {Remaining} remaining bytes");
        }

        return (int)length;
    }

    private byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            throw Error("unexpected end of data");
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw Error($"unexpected end of data ({count} bytes needed, {Remaining} left)");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}

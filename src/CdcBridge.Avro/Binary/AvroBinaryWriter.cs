using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CdcBridge.Avro.Binary;

/// <summary>Writes Avro's binary primitives (zig-zag varints, little-endian floats, length-prefixed bytes) to a buffer.</summary>
public sealed class AvroBinaryWriter(IBufferWriter<byte> output)
{
    public IBufferWriter<byte> Output { get; } = output;

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteInt(int value) => WriteVarint((uint)((value << 1) ^ (value >> 31)));

    public void WriteLong(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteFloat(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(Output.GetSpan(4), value);
        Output.Advance(4);
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(Output.GetSpan(8), value);
        Output.Advance(8);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        WriteFixed(value);
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        var span = Output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        Output.Advance(length);
    }

    public void WriteFixed(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Output.GetSpan(value.Length));
        Output.Advance(value.Length);
    }

    private void WriteByte(byte value)
    {
        Output.GetSpan(1)[0] = value;
        Output.Advance(1);
    }

    private void WriteVarint(ulong value)
    {
        var span = Output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        Output.Advance(i);
    }

    private void WriteVarint(uint value) => WriteVarint((ulong)value);
}

using System.Buffers.Binary;

namespace CdcBridge.Avro.Confluent;

/// <summary>Confluent's framing of a Kafka key or value: magic byte 0, the schema id as a 4-byte big-endian int, Avro binary.</summary>
public static class ConfluentWireFormat
{
    public const byte MagicByte = 0;
    public const int HeaderSize = 5;

    public static void WriteHeader(Span<byte> destination, int schemaId)
    {
        destination[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], schemaId);
    }

    /// <summary>Splits a framed message into its schema id and Avro payload; a clear error when it is not framed.</summary>
    public static int ReadHeader(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> payload)
    {
        if (message.Length < HeaderSize)
        {
            throw new InvalidDataException($"A Confluent-framed message has at least {HeaderSize} bytes; this one has {message.Length}.");
        }

        if (message[0] != MagicByte)
        {
            throw new InvalidDataException(
                $"The message does not start with Confluent's magic byte 0 (found 0x{message[0]:X2}): it was not written by an Avro serializer with a schema registry.");
        }

        payload = message[HeaderSize..];
        return BinaryPrimitives.ReadInt32BigEndian(message[1..]);
    }
}

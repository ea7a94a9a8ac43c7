using System.Text;

namespace CdcBridge.Avro.Schemas;

/// <summary>CRC-64-AVRO, the 64-bit Rabin fingerprint of the specification ("Schema Fingerprints").</summary>
public static class RabinFingerprint
{
    private const ulong Empty = 0xc15d213aa4d7a795UL;
    private static readonly ulong[] Table = BuildTable();

    public static long Of(string canonicalForm) => Of(Encoding.UTF8.GetBytes(canonicalForm));

    public static long Of(ReadOnlySpan<byte> bytes)
    {
        var fp = Empty;
        foreach (var b in bytes)
        {
            fp = (fp >> 8) ^ Table[(int)(fp ^ b) & 0xff];
        }

        return unchecked((long)fp);
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (var i = 0; i < 256; i++)
        {
            var fp = (ulong)i;
            for (var j = 0; j < 8; j++)
            {
                fp = (fp >> 1) ^ (Empty & (0UL - (fp & 1UL)));
            }

            table[i] = fp;
        }

        return table;
    }
}

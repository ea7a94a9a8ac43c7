namespace CdcBridge.Capture;

/// <summary>
/// A row encoded once for every record it appears in: <see cref="Value"/> is the Avro of the table's <c>.Value</c>
/// record (the before or after image of an envelope), <see cref="Key"/> the Kafka key in Confluent's framing (the
/// primary key record), null for a table without a primary key.
/// </summary>
internal sealed record EncodedRow(byte[] Value, byte[]? Key)
{
    /// <summary>The key as text that compares equal exactly when two keys are equal (encoding is deterministic).</summary>
    public string? KeyText => TextOf(Key);

    public static string? TextOf(byte[]? key) => key is null ? null : Convert.ToHexString(key);
}

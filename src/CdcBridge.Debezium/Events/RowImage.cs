using System.Globalization;
using System.Numerics;
using CdcBridge.Avro.Generic;

namespace CdcBridge.Debezium.Events;

/// <summary>
/// A row as a change event carries it (<c>before</c> or <c>after</c>), with values converted from Debezium's
/// encodings, and typed getters that accept every decimal mode (precise, double, string).
/// </summary>
public sealed class RowImage(IReadOnlyDictionary<string, object?> values)
{
    public IReadOnlyDictionary<string, object?> Values { get; } = values;

    public bool Has(string column) => Values.ContainsKey(column);

    public object? this[string column] => Values.TryGetValue(column, out var v)
        ? v
        : throw new KeyNotFoundException($"The row has no column '{column}'.");

    public bool IsUnavailable(string column) => this[column] is Unavailable;

    public int? GetInt(string column) => this[column] switch
    {
        null => null,
        int i => i,
        long l => checked((int)l),
        var other => throw Mismatch(column, other, "an integer"),
    };

    public long? GetLong(string column) => this[column] switch
    {
        null => null,
        int i => i,
        long l => l,
        var other => throw Mismatch(column, other, "an integer"),
    };

    /// <summary>The exact value of a numeric column, whichever decimal.handling.mode wrote it.</summary>
    public AvroDecimal? GetDecimal(string column) => this[column] switch
    {
        null => null,
        AvroDecimal d => d,
        double d => AvroDecimal.FromDecimal((decimal)d),
        float f => AvroDecimal.FromDecimal((decimal)f),
        int i => new AvroDecimal(i, 0),
        long l => new AvroDecimal(l, 0),
        string s => AvroDecimal.Parse(s),
        var other => throw Mismatch(column, other, "a number"),
    };

    public string? GetString(string column) => this[column] switch
    {
        null => null,
        string s => s,
        var other => throw Mismatch(column, other, "a string"),
    };

    public bool? GetBoolean(string column) => this[column] switch
    {
        null => null,
        bool b => b,
        var other => throw Mismatch(column, other, "a boolean"),
    };

    public DateTime? GetDateTime(string column) => this[column] switch
    {
        null => null,
        DateTime dt => dt,
        DateTimeOffset dto => dto.UtcDateTime,
        var other => throw Mismatch(column, other, "a timestamp"),
    };

    private static InvalidCastException Mismatch(string column, object value, string expected) =>
        new(value is Unavailable
            ? $"Column '{column}' is not in this change (an unchanged TOASTed value); keep the value you have."
            : $"Column '{column}' holds {value.GetType().Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}, not {expected}.");

    internal static AvroDecimal VariableScale(GenericRecord record)
    {
        var scale = (int)record["scale"]!;
        var bytes = (byte[])record["value"]!;
        return new AvroDecimal(bytes.Length == 0 ? BigInteger.Zero : new BigInteger(bytes, isUnsigned: false, isBigEndian: true), scale);
    }
}

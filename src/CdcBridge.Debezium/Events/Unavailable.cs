namespace CdcBridge.Debezium.Events;

/// <summary>
/// A column value the change does not carry: PostgreSQL left an unchanged TOASTed value out of the WAL record and
/// Debezium wrote its placeholder (<c>__debezium_unavailable_value</c>). Keep the value you already have.
/// </summary>
public sealed class Unavailable
{
    public const string Placeholder = "__debezium_unavailable_value";

    public static readonly Unavailable Value = new();

    private Unavailable()
    {
    }

    public override string ToString() => Placeholder;
}

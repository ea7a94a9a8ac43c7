namespace CdcBridge.Debezium;

/// <summary>Debezium's <c>decimal.handling.mode</c>: how numeric columns travel.</summary>
public enum DecimalHandlingMode
{
    /// <summary>Exact: Connect Decimal bytes for numeric(p,s), io.debezium.data.VariableScaleDecimal for plain numeric.</summary>
    Precise,

    /// <summary>A double (rounds).</summary>
    Double,

    /// <summary>The plain decimal string.</summary>
    String,
}

/// <summary>Debezium's <c>time.precision.mode</c>.</summary>
public enum TimePrecisionMode
{
    /// <summary>io.debezium.time.* types at the column's precision (µs for timestamp(6)).</summary>
    Adaptive,

    /// <summary>Kafka Connect's Date/Time/Timestamp (milliseconds).</summary>
    Connect,
}

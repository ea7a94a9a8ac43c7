namespace CdcBridge.Debezium.Schema;

/// <summary>
/// A column as PostgreSQL's catalog describes it: <paramref name="TypeName"/> is the type's internal name (int4,
/// varchar, numeric, timestamp, ...); <paramref name="Precision"/> is numeric's precision or the fractional-second
/// digits of time types (null when the column does not fix it); <paramref name="DefaultExpression"/> is
/// <c>pg_get_expr(adbin)</c>.
/// </summary>
public sealed record PgColumn(string Name, string TypeName, bool Nullable, int? Precision = null, int? Scale = null, string? DefaultExpression = null);

/// <summary>A captured table: its columns in ordinal order and its primary key columns in key order.</summary>
public sealed record PgTable(string Schema, string Name, IReadOnlyList<PgColumn> Columns, IReadOnlyList<string> PrimaryKey);

namespace CdcBridge.DevStack.Odoo;

/// <summary>Rows for one table, in insertion order, with the columns they fill.</summary>
internal sealed class SeedTable(string name, params string[] columns)
{
    private readonly List<object?[]> _rows = [];

    public string Name { get; } = name;

    public IReadOnlyList<string> Columns { get; } = ["id", .. columns, "create_uid", "create_date", "write_uid", "write_date"];

    public IReadOnlyList<object?[]> Rows => _rows;

    /// <summary>Adds a row: its id, then one value per column in declaration order; magic columns are filled here.</summary>
    public int Add(int id, DateTime at, params object?[] values)
    {
        if (values.Length != Columns.Count - 5)
        {
            throw new ArgumentException($"{Name} takes {Columns.Count - 5} values, got {values.Length}.", nameof(values));
        }

        _rows.Add([id, .. values, RetailerSeed.AdminUserId, at, RetailerSeed.AdminUserId, at]);
        return id;
    }
}

namespace CdcBridge.Avro.Schemas;

/// <summary>A union: no union directly inside another, and no two branches of one type unless both are named differently.</summary>
public sealed class UnionSchema : AvroSchema
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    public UnionSchema(IReadOnlyList<AvroSchema> branches)
        : base(AvroType.Union, null)
    {
        Branches = branches;
        for (var i = 0; i < branches.Count; i++)
        {
            if (branches[i] is UnionSchema)
            {
                throw new AvroSchemaException("A union may not directly contain another union.");
            }

            if (!_byName.TryAdd(branches[i].BranchName, i))
            {
                throw new AvroSchemaException($"A union may not contain '{branches[i].BranchName}' twice.");
            }
        }
    }

    public IReadOnlyList<AvroSchema> Branches { get; }

    public override string BranchName => "union";

    /// <summary>The index of the branch a union's JSON names (<c>{"long": 1}</c>, <c>{"ns.Record": {...}}</c>), or -1.</summary>
    public int IndexOf(string branchName)
    {
        if (_byName.TryGetValue(branchName, out var i))
        {
            return i;
        }

        // Short names are accepted for named branches when unambiguous (Avro's JSON decoders accept them too).
        var matches = Branches.Select((b, idx) => (b, idx)).Where(x => x.b is NamedSchema n && n.Name.Name == branchName).ToList();
        return matches.Count == 1 ? matches[0].idx : -1;
    }

    /// <summary>The index of the null branch, or -1: <c>["null", T]</c> is how optional values are written.</summary>
    public int NullIndex => _byName.GetValueOrDefault("null", -1);
}

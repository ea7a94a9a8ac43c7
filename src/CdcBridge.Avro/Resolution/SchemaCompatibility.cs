using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Resolution;

/// <summary>The answer to "can this reader read what that writer wrote?", with the reasons when it cannot.</summary>
public sealed record CompatibilityResult(bool IsCompatible, IReadOnlyList<string> Problems)
{
    public static readonly CompatibilityResult Compatible = new(true, []);
}

/// <summary>
/// Reader/writer compatibility by Avro's resolution rules, as Apache Avro's SchemaCompatibility (and so Confluent Schema
/// Registry) decides it: same types or promotions; records by name or alias, every reader field found in the writer or
/// defaulted; enums may lose writer symbols only if the reader has a default; fixed sizes equal; a writer union needs
/// every branch readable, a reader union needs one branch that reads the writer.
/// </summary>
public static class SchemaCompatibility
{
    public static CompatibilityResult CanRead(AvroSchema reader, AvroSchema writer)
    {
        var problems = new List<string>();
        new Checker(problems).Check(reader, writer, "/");
        return problems.Count == 0 ? CompatibilityResult.Compatible : new CompatibilityResult(false, problems);
    }

    private sealed class Checker(List<string> problems, HashSet<(AvroSchema, AvroSchema)>? inProgress = null)
    {
        // Pairs under check: a recursive pair met again is assumed compatible (its other parts are checked elsewhere).
        private readonly HashSet<(AvroSchema, AvroSchema)> _inProgress = inProgress ?? new(new PairComparer());

        public void Check(AvroSchema reader, AvroSchema writer, string path)
        {
            if (!_inProgress.Add((reader, writer)))
            {
                return;
            }

            try
            {
                CheckCore(reader, writer, path);
            }
            finally
            {
                _inProgress.Remove((reader, writer));
            }
        }

        private void CheckCore(AvroSchema reader, AvroSchema writer, string path)
        {
            if (writer is UnionSchema writerUnion)
            {
                for (var i = 0; i < writerUnion.Branches.Count; i++)
                {
                    Check(reader, writerUnion.Branches[i], $"{path}{i}/");
                }

                return;
            }

            if (reader is UnionSchema readerUnion)
            {
                if (!readerUnion.Branches.Any(b => Readable(b, writer)))
                {
                    problems.Add($"{path}: the reader's union [{string.Join(", ", readerUnion.Branches.Select(b => b.BranchName))}] has no branch for the writer's {writer.BranchName}");
                }

                return;
            }

            if (reader.Type != writer.Type)
            {
                if (!ReadPlanBuilder.Promotes(writer.Type, reader.Type))
                {
                    problems.Add($"{path}: the reader's {reader.BranchName} cannot read the writer's {writer.BranchName}");
                }

                return;
            }

            switch (reader, writer)
            {
                case (RecordSchema r, RecordSchema w):
                    if (!r.MatchesWriterName(w))
                    {
                        problems.Add($"{path}: record name {r.FullName} does not match the writer's {w.FullName}");
                        return;
                    }

                    foreach (var rf in r.Fields)
                    {
                        var wf = w.GetField(rf.Name) ?? rf.Aliases.Select(w.GetField).FirstOrDefault(f => f is not null);
                        if (wf is null)
                        {
                            if (!rf.HasDefault)
                            {
                                problems.Add($"{path}{rf.Name}: the reader's field '{rf.Name}' is missing from the writer and has no default");
                            }
                        }
                        else
                        {
                            Check(rf.Schema, wf.Schema, $"{path}{rf.Name}/");
                        }
                    }

                    return;
                case (EnumSchema r, EnumSchema w):
                    if (!r.MatchesWriterName(w))
                    {
                        problems.Add($"{path}: enum name {r.FullName} does not match the writer's {w.FullName}");
                        return;
                    }

                    var missing = w.Symbols.Where(s => r.IndexOf(s) < 0).ToList();
                    if (missing.Count > 0 && r.Default is null)
                    {
                        problems.Add($"{path}: the reader's enum {r.FullName} lacks the writer's symbols {string.Join(", ", missing)} and has no default");
                    }

                    return;
                case (FixedSchema r, FixedSchema w):
                    if (!r.MatchesWriterName(w))
                    {
                        problems.Add($"{path}: fixed name {r.FullName} does not match the writer's {w.FullName}");
                    }
                    else if (r.Size != w.Size)
                    {
                        problems.Add($"{path}: fixed {r.FullName} has {r.Size} bytes, the writer's {w.Size}");
                    }

                    return;
                case (ArraySchema r, ArraySchema w):
                    Check(r.Items, w.Items, $"{path}items/");
                    return;
                case (MapSchema r, MapSchema w):
                    Check(r.Values, w.Values, $"{path}values/");
                    return;
            }
        }

        private bool Readable(AvroSchema reader, AvroSchema writer)
        {
            var scratch = new List<string>();
            new Checker(scratch, _inProgress).Check(reader, writer, "/");
            return scratch.Count == 0;
        }
    }

    private sealed class PairComparer : IEqualityComparer<(AvroSchema, AvroSchema)>
    {
        public bool Equals((AvroSchema, AvroSchema) x, (AvroSchema, AvroSchema) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((AvroSchema, AvroSchema) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }
}

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>
/// Writes schemas as JSON: the full form keeps every attribute; Parsing Canonical Form keeps only what matters to
/// the binary encoding, uses full names, writes primitives as bare names and orders keys name, type, fields,
/// symbols, items, values, size (specification, "Parsing Canonical Form for Schemas").
/// </summary>
internal static class AvroSchemaWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(AvroSchema schema, bool canonical)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            Write(writer, schema, canonical, "", new HashSet<string>(StringComparer.Ordinal));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter w, AvroSchema schema, bool canonical, string enclosingNamespace, HashSet<string> written)
    {
        switch (schema)
        {
            case PrimitiveSchema p when canonical || p.Properties.Count == 0:
                w.WriteStringValue(p.BranchName);
                return;
            case PrimitiveSchema p:
                w.WriteStartObject();
                w.WriteString("type", p.BranchName);
                WriteProperties(w, p.Properties);
                w.WriteEndObject();
                return;
            case NamedSchema named when !written.Add(named.FullName):
                // Defined earlier in this document: a reference by name.
                w.WriteStringValue(canonical || named.Name.Namespace != enclosingNamespace ? named.FullName : named.Name.Name);
                return;
            case UnionSchema union:
                w.WriteStartArray();
                foreach (var branch in union.Branches)
                {
                    Write(w, branch, canonical, enclosingNamespace, written);
                }

                w.WriteEndArray();
                return;
        }

        w.WriteStartObject();
        if (schema is NamedSchema n)
        {
            if (canonical)
            {
                w.WriteString("name", n.FullName);
            }
            else
            {
                w.WriteString("type", TypeWord(n));
                w.WriteString("name", n.Name.Name);
                if (n.Name.Namespace != enclosingNamespace)
                {
                    w.WriteString("namespace", n.Name.Namespace);
                }

                if (n.Doc is not null)
                {
                    w.WriteString("doc", n.Doc);
                }

                if (n.Aliases.Count > 0)
                {
                    w.WriteStartArray("aliases");
                    foreach (var alias in n.Aliases)
                    {
                        w.WriteStringValue(alias.Namespace == n.Name.Namespace ? alias.Name : alias.FullName);
                    }

                    w.WriteEndArray();
                }
            }
        }

        if (canonical || schema is not NamedSchema)
        {
            w.WriteString("type", TypeWord(schema));
        }

        var ns = schema is NamedSchema named2 ? named2.Name.Namespace : enclosingNamespace;
        switch (schema)
        {
            case RecordSchema record:
                w.WriteStartArray("fields");
                foreach (var field in record.Fields)
                {
                    WriteField(w, field, canonical, ns, written);
                }

                w.WriteEndArray();
                break;
            case EnumSchema e:
                w.WriteStartArray("symbols");
                foreach (var symbol in e.Symbols)
                {
                    w.WriteStringValue(symbol);
                }

                w.WriteEndArray();
                if (!canonical && e.Default is not null)
                {
                    w.WriteString("default", e.Default);
                }

                break;
            case ArraySchema a:
                w.WritePropertyName("items");
                Write(w, a.Items, canonical, ns, written);
                break;
            case MapSchema m:
                w.WritePropertyName("values");
                Write(w, m.Values, canonical, ns, written);
                break;
            case FixedSchema f:
                w.WriteNumber("size", f.Size);
                break;
        }

        if (!canonical)
        {
            WriteProperties(w, schema.Properties);
        }

        w.WriteEndObject();
    }

    private static void WriteField(Utf8JsonWriter w, AvroField field, bool canonical, string ns, HashSet<string> written)
    {
        w.WriteStartObject();
        w.WriteString("name", field.Name);
        w.WritePropertyName("type");
        Write(w, field.Schema, canonical, ns, written);
        if (!canonical)
        {
            if (field.Doc is not null)
            {
                w.WriteString("doc", field.Doc);
            }

            if (field.HasDefault)
            {
                w.WritePropertyName("default");
                WriteNode(w, field.Default);
            }

            if (field.Order is not null)
            {
                w.WriteString("order", field.Order);
            }

            if (field.Aliases.Count > 0)
            {
                w.WriteStartArray("aliases");
                foreach (var alias in field.Aliases)
                {
                    w.WriteStringValue(alias);
                }

                w.WriteEndArray();
            }

            WriteProperties(w, field.Properties);
        }

        w.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter w, IReadOnlyList<KeyValuePair<string, JsonNode?>> properties)
    {
        foreach (var (key, value) in properties)
        {
            w.WritePropertyName(key);
            WriteNode(w, value);
        }
    }

    private static void WriteNode(Utf8JsonWriter w, JsonNode? node)
    {
        if (node is null)
        {
            w.WriteNullValue();
        }
        else
        {
            node.WriteTo(w);
        }
    }

    private static string TypeWord(AvroSchema schema) => schema switch
    {
        RecordSchema { IsError: true } => "error",
        RecordSchema => "record",
        EnumSchema => "enum",
        FixedSchema => "fixed",
        ArraySchema => "array",
        MapSchema => "map",
        _ => schema.BranchName,
    };
}

using System.Globalization;
using System.Text.Json;
using CdcBridge.Avro.Generic;

namespace CdcBridge.Capture;

/// <summary>
/// Debezium's headers on the events of a primary-key update (PostgreSQL connector docs, "Primary key updates"): the
/// delete of the old key (and its tombstone) carries <c>__debezium.newkey</c>, the create under the new key carries
/// <c>__debezium.oldkey</c>, each holding the other key. Kafka Connect serializes header values with the worker's
/// header converter; connect/odoo-connector.json sets it to JsonConverter without schemas, so the value is the key's
/// fields as a JSON object, e.g. <c>{"id":42}</c>, and that is what the embedded capture writes too.
/// </summary>
internal sealed record KeyChangeHeader(string Name, byte[] Value)
{
    public const string NewKey = "__debezium.newkey";
    public const string OldKey = "__debezium.oldkey";

    public static KeyChangeHeader Of(string name, GenericRecord key)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var field in key.Schema.Fields)
            {
                json.WritePropertyName(field.Name);
                switch (key[field.Position])
                {
                    case null: json.WriteNullValue(); break;
                    case int i: json.WriteNumberValue(i); break;
                    case long l: json.WriteNumberValue(l); break;
                    case bool b: json.WriteBooleanValue(b); break;
                    case string s: json.WriteStringValue(s); break;
                    case var other: json.WriteStringValue(Convert.ToString(other, CultureInfo.InvariantCulture)); break;
                }
            }

            json.WriteEndObject();
        }

        return new KeyChangeHeader(name, buffer.ToArray());
    }

}

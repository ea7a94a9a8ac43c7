using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>Odoo's value conventions on the wire: false for empty, Many2one as <c>[id, display_name]</c>, datetimes as naive UTC text.</summary>
internal static class OdooValues
{
    public const string DatetimeFormat = "yyyy-MM-dd HH:mm:ss";

    public static bool IsFalse(JsonNode? value) =>
        value is null || (value is JsonValue v && v.GetValueKind() == JsonValueKind.False);

    public static bool TryInt(JsonNode? value, out int result)
    {
        result = 0;
        if (value is not JsonValue v)
        {
            return false;
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.Number when v.TryGetValue<int>(out var i):
                result = i;
                return true;
            case JsonValueKind.Number when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue:
                result = (int)d;
                return true;
            case JsonValueKind.String when int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s):
                result = s;
                return true;
            default:
                return false;
        }
    }

    public static int Int(JsonNode? value, string what) =>
        TryInt(value, out var i) ? i : throw OdooRpcException.Value($"invalid literal for int() with base 10: {Describe(value)} ({what})");

    public static string? String(JsonNode? value) =>
        IsFalse(value) ? null : value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value!.ToJsonString();

    public static decimal Decimal(JsonNode? value, string what)
    {
        if (value is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number)
            {
                return v.GetValue<decimal>();
            }

            if (v.GetValueKind() == JsonValueKind.String && decimal.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }

            if (v.GetValueKind() is JsonValueKind.False)
            {
                return 0m;
            }
        }

        throw OdooRpcException.Value($"could not convert string to float: {Describe(value)} ({what})");
    }

    public static bool Bool(JsonNode? value) => value is JsonValue v && v.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => v.GetValue<double>() != 0,
        JsonValueKind.String => v.GetValue<string>().Trim().ToUpperInvariant() is "1" or "TRUE" or "YES" or "T" or "Y",
        _ => false,
    };

    public static string Describe(JsonNode? value) => value?.ToJsonString() ?? "None";

    /// <summary>A JSON value written to a column of <paramref name="field"/>'s type (null for Odoo's false).</summary>
    public static object? ToColumn(OdooField field, JsonNode? value)
    {
        if (field.Type != FieldType.Boolean && IsFalse(value))
        {
            return field.Type is FieldType.Float or FieldType.Monetary ? 0m : null;
        }

        return field.Type switch
        {
            FieldType.Integer or FieldType.Many2one => Int(value, field.Name),
            FieldType.Float or FieldType.Monetary => Decimal(value, field.Name),
            FieldType.Boolean => Bool(value),
            FieldType.Date => DateTime.ParseExact(String(value)!, "yyyy-MM-dd", CultureInfo.InvariantCulture).Date,
            FieldType.Datetime => ParseDatetime(String(value)!),
            FieldType.One2many or FieldType.Many2many => throw OdooRpcException.Value($"{field.Name} takes commands"),
            _ => String(value),
        };
    }

    private static DateTime ParseDatetime(string text) =>
        DateTime.TryParseExact(text, [DatetimeFormat, "yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out var at)
            ? DateTime.SpecifyKind(at, DateTimeKind.Unspecified)
            : throw OdooRpcException.Value($"time data '{text}' does not match format '%Y-%m-%d %H:%M:%S'");

    /// <summary>A database value as Odoo's read() returns it.</summary>
    public static JsonNode? ToJson(OdooField field, object? value, object? display = null)
    {
        if (field.IsX2many)
        {
            return new JsonArray([.. ((value as int[]) ?? []).Select(i => (JsonNode?)JsonValue.Create(i))]);
        }

        if (value is null)
        {
            return field.Type is FieldType.Float or FieldType.Monetary ? JsonValue.Create(0.0) : field.Type == FieldType.Integer ? JsonValue.Create(0) : JsonValue.Create(false);
        }

        return field.Type switch
        {
            FieldType.Many2one => new JsonArray(JsonValue.Create(Convert.ToInt32(value, CultureInfo.InvariantCulture)), JsonValue.Create(display as string ?? "")),
            FieldType.Integer => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
            FieldType.Float or FieldType.Monetary => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            FieldType.Boolean => JsonValue.Create((bool)value),
            _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
        };
    }
}

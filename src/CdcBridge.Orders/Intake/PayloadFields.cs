using System.Globalization;
using System.Text.Json;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Typed reads of one JSON object's fields with the field's path in every error (never its value: payloads carry
/// personal data). Absent and JSON null are the same for optional fields.
/// </summary>
internal readonly struct PayloadFields(JsonElement element, string path)
{
    // decimal(18,4) holds up to 14 integer digits; decimal(10,8), the tax rate, up to 2.
    private const decimal MoneyLimit = 100_000_000_000_000m;
    private const decimal RateLimit = 100m;

    public string Path => path;

    public static PayloadFields Root(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object ? new PayloadFields(element, "") : throw new InvalidWebhookPayloadException("The body is not a JSON object.");

    public string Name(string field) => path.Length == 0 ? field : $"{path}.{field}";

    public JsonElement? Optional(string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public JsonElement Required(string field) => Optional(field) ?? throw Invalid(field, "is missing");

    public long RequiredInt64(string field) => Int64(field, Required(field));

    public long? OptionalInt64(string field) => Optional(field) is { } value ? Int64(field, value) : null;

    public int RequiredInt32(string field) => Int32(field, Required(field));

    public int? OptionalInt32(string field) => Optional(field) is { } value ? Int32(field, value) : null;

    public string RequiredString(string field) => String(field, Required(field));

    public string? OptionalString(string field) => Optional(field) is { } value ? String(field, value) : null;

    public bool Boolean(string field, bool whenAbsent) => Optional(field) switch
    {
        null => whenAbsent,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Invalid(field, "is not a boolean"),
    };

    public double? OptionalDouble(string field) => Optional(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetDouble(out var d) => d,
        { ValueKind: JsonValueKind.String } value when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw Invalid(field, "is not a number"),
    };

    /// <summary>A money amount: Shopify sends decimal strings ("199.00"); a JSON number is read exactly too.</summary>
    public decimal RequiredMoney(string field) => Decimal(field, Required(field), 4, MoneyLimit);

    public decimal? OptionalMoney(string field) => Optional(field) is { } value ? Decimal(field, value, 4, MoneyLimit) : null;

    /// <summary>A tax rate: a JSON number (0.06 for 6%), read as a decimal, never through a double.</summary>
    public decimal RequiredRate(string field) => Decimal(field, Required(field), 8, RateLimit);

    /// <summary>An ISO 8601 time with an offset ("2024-06-10T09:39:02-04:00"), converted to UTC.</summary>
    public DateTime RequiredTimestamp(string field) => Timestamp(field, Required(field));

    public DateTime? OptionalTimestamp(string field) => Optional(field) is { } value ? Timestamp(field, value) : null;

    public PayloadFields RequiredObject(string field) => Object(field, Required(field));

    public PayloadFields? OptionalObject(string field) => Optional(field) is { } value ? Object(field, value) : null;

    /// <summary>The array's elements as objects, each with its indexed path; an absent array is empty unless required.</summary>
    public IEnumerable<PayloadFields> Objects(string field, bool required)
    {
        var value = required ? Required(field) : Optional(field);
        if (value is null)
        {
            return [];
        }

        if (value.Value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(field, "is not an array");
        }

        var name = Name(field);
        return value.Value.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.Object
            ? new PayloadFields(item, $"{name}[{i}]")
            : throw new InvalidWebhookPayloadException($"{name}[{i}] is not an object."));
    }

    public InvalidWebhookPayloadException Invalid(string field, string problem) => new($"{Name(field)} {problem}.");

    private long Int64(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : throw Invalid(field, "is not a 64-bit integer");

    private int Int32(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : throw Invalid(field, "is not a 32-bit integer");

    private string String(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(field, "is not a string");

    private PayloadFields Object(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? new PayloadFields(value, Name(field)) : throw Invalid(field, "is not an object");

    private DateTime Timestamp(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time.UtcDateTime
            : throw Invalid(field, "is not an ISO 8601 time");

    private decimal Decimal(string field, JsonElement value, int scale, decimal limit)
    {
        decimal amount;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount):
            case JsonValueKind.Number when value.TryGetDecimal(out amount):
                break;
            default:
                throw Invalid(field, "is not a decimal");
        }

        if (Math.Round(amount, scale) != amount || Math.Abs(amount) >= limit)
        {
            throw Invalid(field, $"does not fit the schema's decimal (more than {scale} decimal places or too large)");
        }

        return amount;
    }
}

using System.Text.Json.Nodes;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>
/// Shopify's own orders/create "test notification" body (TestData/shopify, with its .source.txt: from GitHub
/// bakaphp/kanvas-ecosystem-api, tests/Connectors/Integration/Shopify/ZOrderTest.php, MIT licence), and variants of it
/// for cases the sample does not show.
/// </summary>
internal static class ShopifySample
{
    public const long OrderId = 820982911946154508;

    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "shopify", "webhook-orders-create.test-notification-2024-06.json");

    /// <summary>The body byte for byte as captured.</summary>
    public static byte[] Bytes() => File.ReadAllBytes(Path);

    public static string Text() => File.ReadAllText(Path);

    /// <summary>The sample changed by <paramref name="edit"/>, serialized again (ids written from longs stay exact).</summary>
    public static byte[] With(Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var order = JsonNode.Parse(Text())!.AsObject();
        edit(order);
        return System.Text.Encoding.UTF8.GetBytes(order.ToJsonString());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Shopify;

namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>What the webhook tests share: a shop with fast retries and its own secret, deadlines and the HMAC check.</summary>
internal static class WebhookTestShop
{
    /// <summary>Not the default secret, so a body signed with the default would not verify.</summary>
    public const string Secret = "webhook-tests-secret-ü";

    public static readonly long LocationId = ShopifyCatalog.LocationIdBase + 1;

    /// <summary>SKU-1 has a catalog price, SKU-2 none (so it sells at <see cref="SimulatorPricing.DefaultUnitPrice"/>).</summary>
    public const decimal Sku1Price = 19.99m;

    public static ShopifySimulatorOptions Options(TimeSpan? timeout = null, int retries = 8)
    {
        var catalog = ShopifyCatalog.Create(["Flagship"], ["SKU-1", "SKU-2"]);
        return new ShopifySimulatorOptions
        {
            Catalog = catalog with { Variants = [catalog.Variants[0] with { Price = Sku1Price }, catalog.Variants[1]] },
            WebhookSecret = Secret,
            WebhookRetryDelays = [.. Enumerable.Repeat(TimeSpan.FromMilliseconds(20), retries)],
            WebhookTimeout = timeout ?? TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>The test's token, cancelled after 30 s at the latest: every wait has a deadline.</summary>
    public static CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        return deadline;
    }

    /// <summary>
    /// Shopify's check (shopify.dev "verify webhook deliveries"): Base64(HMAC-SHA256(key = the client secret as UTF-8,
    /// message = the raw body bytes)).
    /// </summary>
    public static string Hmac(string secret, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary><c>POST /_sim/orders</c>; returns the 201 answer.</summary>
    public static async Task<JsonObject> PlaceAsync(SimulatorHttp http, object order, CancellationToken ct)
    {
        using var response = await http.PostJsonAsync("/_sim/orders", order, ct);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
    }
}

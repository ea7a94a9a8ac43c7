using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Orders.Writer;

namespace CdcBridge.Orders.Tests.Writer;

/// <summary>The SKU of a variant, asked of the Shopify simulator's Admin GraphQL API (productVariant(id:)) and remembered.</summary>
public sealed class ShopifyVariantSkuResolverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Answers_the_variants_sku_remembers_it_and_answers_null_for_unknown_variants_and_variants_without_sku()
    {
        // ShopifyCatalog.Create numbers variants VariantIdBase + 1, 2, ... in the order of the SKUs given.
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions
        {
            Catalog = ShopifyCatalog.Create(["Shop"], ["TEE-00001-BLK-M", "", "MUG-00002"]),
        }, ct: Ct);
        using var http = new HttpClient();
        var client = new ShopifyInventoryClient(new ShopifyStore(shopify.ShopDomain, new Uri(shopify.Url), shopify.ApiVersion, shopify.AccessToken), http);
        var resolver = new ShopifyVariantSkuResolver([client]);

        var first = await resolver.SkuOfVariantAsync(shopify.ShopDomain, ShopifyCatalog.VariantIdBase + 1, Ct);
        var third = await resolver.SkuOfVariantAsync(shopify.ShopDomain.ToUpperInvariant(), ShopifyCatalog.VariantIdBase + 3, Ct);
        var asked = shopify.Requests().Count;
        var again = await resolver.SkuOfVariantAsync(shopify.ShopDomain, ShopifyCatalog.VariantIdBase + 1, Ct);
        var withoutSku = await resolver.SkuOfVariantAsync(shopify.ShopDomain, ShopifyCatalog.VariantIdBase + 2, Ct);
        var unknown = await resolver.SkuOfVariantAsync(shopify.ShopDomain, ShopifyCatalog.VariantIdBase + 99, Ct);

        first.Should().Be("TEE-00001-BLK-M");
        third.Should().Be("MUG-00002");
        again.Should().Be(first);
        withoutSku.Should().BeNull();
        unknown.Should().BeNull();
        asked.Should().Be(2);
        shopify.Requests().Should().HaveCount(4, "the remembered SKU was not asked again")
            .And.OnlyContain(r => r.OperationName == "CdcBridgeVariantSku" && r.RootFields.SequenceEqual(new[] { "productVariant" }) && r.HttpStatus == 200);
        resolver.Cached.Should().Be(2);
    }

    [Fact]
    public async Task A_shop_without_a_configured_store_is_a_permanent_failure()
    {
        var resolver = new ShopifyVariantSkuResolver([]);

        var act = () => resolver.SkuOfVariantAsync("elsewhere.myshopify.com", 1, Ct);

        (await act.Should().ThrowAsync<OrderWriteException>()).Which.Should().BeEquivalentTo(new { IsPermanent = true });
    }
}

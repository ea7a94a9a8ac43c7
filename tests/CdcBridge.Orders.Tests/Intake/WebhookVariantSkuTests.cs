using System.Collections.Concurrent;
using System.Net;
using CdcBridge.Avro.Generic;
using CdcBridge.Orders.Writer;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>
/// Lines that come without SKU (Shopify's own sample has <c>sku: null</c> on both lines) get the variant's SKU in
/// <c>resolved_sku</c> at intake, so that they count against availability before Odoo holds the order; a Shopify that
/// fails or does not answer in time never costs the order.
/// </summary>
public sealed class WebhookVariantSkuTests(RegistryInfrastructure fixture)
{
    // The sample's variant ids (line_items[].variant_id) and SKUs a merchant would have given them.
    private const long FirstVariant = 49121760117052;
    private const long SecondVariant = 49121760182588;

    [Fact]
    public async Task Bug_sku_less_lines_counted_nowhere_until_Odoo_held_the_order_lines_carry_the_variants_sku_looked_up_at_intake()
    {
        var shopify = new VariantCatalog(new() { [FirstVariant] = "IPOD-2GB-SILVER", [SecondVariant] = "IPOD-2GB-BLACK" });
        await using var intake = await IntakeHarness.StartAsync(fixture, variantSkus: shopify);

        var answer = await intake.PostAsync(ShopifySample.Bytes(), Guid.NewGuid().ToString());

        answer.Status.Should().Be(HttpStatusCode.OK);
        var lines = Lines(await intake.ReadTopicAsync());
        lines.Select(l => l["sku"]).Should().Equal(new object?[] { null, null }, "the SKU as sent stays as sent");
        lines.Select(l => l["resolved_sku"]).Should().Equal("IPOD-2GB-SILVER", "IPOD-2GB-BLACK");
        shopify.Asked.Should().BeEquivalentTo([(IntakeHarness.Shop, FirstVariant), (IntakeHarness.Shop, SecondVariant)]);
    }

    [Fact]
    public async Task A_line_sent_with_its_sku_is_not_looked_up()
    {
        var shopify = new VariantCatalog(new() { [FirstVariant] = "OTHER" });
        await using var intake = await IntakeHarness.StartAsync(fixture, variantSkus: shopify);
        var body = ShopifySample.With(o =>
        {
            foreach (var line in o["line_items"]!.AsArray())
            {
                line!["sku"] = "SENT-" + line["id"]!.GetValue<long>();
            }
        });

        (await intake.PostAsync(body, Guid.NewGuid().ToString())).Status.Should().Be(HttpStatusCode.OK);

        Lines(await intake.ReadTopicAsync()).Select(l => l["resolved_sku"]).Should().Equal(new object?[] { null, null });
        shopify.Asked.Should().BeEmpty();
    }

    [Fact]
    public async Task A_variant_without_sku_in_Shopify_leaves_the_line_unresolved()
    {
        var shopify = new VariantCatalog(new() { [FirstVariant] = "IPOD-2GB-SILVER" });
        await using var intake = await IntakeHarness.StartAsync(fixture, variantSkus: shopify);

        (await intake.PostAsync(ShopifySample.Bytes(), Guid.NewGuid().ToString())).Status.Should().Be(HttpStatusCode.OK);

        Lines(await intake.ReadTopicAsync()).Select(l => l["resolved_sku"]).Should().Equal(new object?[] { "IPOD-2GB-SILVER", null });
    }

    [Fact]
    public async Task A_failing_Shopify_lookup_still_accepts_the_order_with_the_line_unresolved()
    {
        var shopify = new VariantCatalog([], fail: true);
        await using var intake = await IntakeHarness.StartAsync(fixture, variantSkus: shopify);

        var answer = await intake.PostAsync(ShopifySample.Bytes(), Guid.NewGuid().ToString());

        answer.Should().Be(new WebhookAnswer(HttpStatusCode.OK, "accepted", null));
        Lines(await intake.ReadTopicAsync()).Select(l => l["resolved_sku"]).Should().Equal(new object?[] { null, null });
    }

    [Fact]
    public async Task A_Shopify_lookup_that_does_not_answer_within_the_budget_still_accepts_the_order_in_time()
    {
        var shopify = new VariantCatalog([], hang: true);
        await using var intake = await IntakeHarness.StartAsync(fixture, o => o with { SkuLookupBudget = TimeSpan.FromMilliseconds(200) }, variantSkus: shopify);

        var answer = await intake.PostAsync(ShopifySample.Bytes(), Guid.NewGuid().ToString());

        answer.Should().Be(new WebhookAnswer(HttpStatusCode.OK, "accepted", null));
        Lines(await intake.ReadTopicAsync()).Select(l => l["resolved_sku"]).Should().Equal(new object?[] { null, null });
        shopify.Asked.Should().ContainSingle("the budget is shared by the delivery's lines: once spent, the rest stay for the writer");
    }

    private static List<GenericRecord> Lines(IReadOnlyList<IntakeRecord> records) =>
        ((List<object?>)records.Should().ContainSingle().Subject.Value["line_items"]!).Cast<GenericRecord>().ToList();

    /// <summary>A shop's variants and their SKUs, as Shopify's productVariant(id:) would answer.</summary>
    private sealed class VariantCatalog(Dictionary<long, string> skus, bool fail = false, bool hang = false) : IVariantSkuResolver
    {
        private readonly ConcurrentQueue<(string, long)> _asked = new();

        public IReadOnlyCollection<(string Shop, long VariantId)> Asked => _asked;

        public async Task<string?> SkuOfVariantAsync(string shopDomain, long variantId, CancellationToken ct)
        {
            _asked.Enqueue((shopDomain, variantId));
            if (hang)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return fail
                ? throw new OrderWriteException("Shopify answered 502", isPermanent: false)
                : skus.GetValueOrDefault(variantId);
        }
    }
}

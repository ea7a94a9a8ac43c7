using CdcBridge.Inventory;

namespace CdcBridge.Inventory.Tests;

/// <summary>The formula of docs/inventory-policy.md, one line per rule.</summary>
public class AvailabilityPolicyTests
{
    [Theory]
    [InlineData("10", "0", "0", "0", "0", "0", "0", 10)] // nothing claimed: all of it
    [InlineData("10", "3", "0", "0", "0", "0", "0", 7)] // reserved for another channel's order
    [InlineData("10", "3", "3", "0", "0", "0", "0", 10)] // reserved for this store's order: Shopify already counts it committed
    [InlineData("10", "0", "0", "2", "0", "0", "0", 8)] // accepted, not yet reserved demand of another channel
    [InlineData("10", "0", "0", "0", "4", "0", "0", 6)] // another store's order Odoo does not hold yet
    [InlineData("9", "0", "0", "0", "0", "1", "0", 10)] // shipped for this store, still committed in Shopify: added back
    [InlineData("10", "0", "0", "0", "0", "0", "3", 7)] // safety stock held back
    [InlineData("2", "5", "0", "0", "0", "0", "0", 0)] // more claimed than there is: never negative (Shopify refuses a negative on_hand)
    [InlineData("-3", "0", "0", "0", "0", "0", "0", 0)] // negative quants (Odoo allows them) give 0
    [InlineData("10.9", "0", "0", "0", "0", "0", "0", 10)] // fractions of a unit cannot be sold
    [InlineData("0.5", "0", "0", "0", "0", "0", "0", 0)]
    [InlineData("2000000000", "0", "0", "0", "0", "0", "0", 1_000_000_000)] // Shopify's upper bound
    [InlineData("10", "2", "5", "0", "0", "0", "0", 10)] // own reservation seen before its quant: foreign reserved is never below 0
    [InlineData("10", "1", "0", "1", "1", "0", "1", 6)] // every claim at once
    public void On_hand_to_push(string onHand, string reserved, string ownReserved, string unreserved, string pending, string ownShipped, string safety, int expected)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var inputs = new AvailabilityInputs(D(onHand), D(reserved), D(ownReserved), D(unreserved), D(pending), D(ownShipped), D(safety));
        AvailabilityPolicy.OnHandToPush(inputs).Should().Be(expected);
    }
}

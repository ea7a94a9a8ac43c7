namespace CdcBridge.Channels.Shopify;

/// <summary>
/// The GraphQL documents the client sends (Admin API 2026-04), each with the cost Shopify's calculator gives it, used to
/// pace the first call of each kind before a response has told the real figure.
/// </summary>
internal static class ShopifyDocuments
{
    public const string LocationsOperation = "CdcBridgeLocations";

    // 2 + 250 × 1 (Location)
    public const int LocationsCost = 252;

    public const string Locations = """
        query CdcBridgeLocations($after: String) {
          locations(first: 250, after: $after, includeInactive: true) {
            nodes { id name isActive fulfillsOnlineOrders }
            pageInfo { hasNextPage endCursor }
          }
        }
        """;

    public const string VariantsBySkuOperation = "CdcBridgeVariantsBySku";

    // 2 + 250 × (ProductVariant + InventoryItem)
    public const int VariantsBySkuCost = 502;

    public const string VariantsBySku = """
        query CdcBridgeVariantsBySku($query: String!, $after: String) {
          productVariants(first: 250, after: $after, query: $query) {
            nodes { id sku inventoryItem { id tracked } }
            pageInfo { hasNextPage endCursor }
          }
        }
        """;

    public const string LocationLevelsOperation = "CdcBridgeLocationLevels";

    // Location + 2 + 250 × (InventoryLevel + InventoryItem)
    public const int LocationLevelsCost = 503;

    public const string LocationLevels = """
        query CdcBridgeLocationLevels($id: ID!, $after: String) {
          location(id: $id) {
            id
            inventoryLevels(first: 250, after: $after) {
              nodes { item { id } quantities(names: ["available", "on_hand", "committed"]) { name quantity } }
              pageInfo { hasNextPage endCursor }
            }
          }
        }
        """;

    public const string SetQuantitiesOperation = "CdcBridgeSetQuantities";

    // Mutation 10 + InventoryAdjustmentGroup + InventoryItem + Location (captured: requested 13)
    public const int SetQuantitiesCost = 13;

    public const string SetQuantities = """
        mutation CdcBridgeSetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
          inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
            inventoryAdjustmentGroup {
              id
              createdAt
              reason
              referenceDocumentUri
              changes { name delta item { id } location { id } }
            }
            userErrors { field message code }
          }
        }
        """;
}

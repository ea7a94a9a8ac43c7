namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>
/// What real Shopify (Admin GraphQL 2026-04) answered, restated as this project's own test data. The source of every
/// fact: conformance captures of the GitHub repository airhorns/shopify-draft-proxy (recorded against live dev stores),
/// named per constant; the documents below are written here, laid out so that positions match the captured ones.
/// </summary>
internal static class CapturedFacts
{
    /// <summary>The location name of the captures' dev store. Source: graphql-2026-04-inventory-quantity-contracts (setup.location).</summary>
    public const string ShopLocation = "Shop location";

    // Source: graphql-2026-04-inventory-quantity-contracts (missingSetIdempotency).
    public const string MissingIdempotencyMessage = "The @idempotent directive is required for this mutation but was not provided.";

    // Source: graphql-2026-04-inventory-quantity-contracts (missingSetChangeFromQuantity).
    public const string MissingSetChangeFromMessage = "InventoryQuantityInput must include the following argument: changeFromQuantity.";

    // Source: graphql-2026-04-inventory-quantity-contracts (missingAdjustChangeFromQuantity).
    public const string MissingAdjustChangeFromMessage = "InventoryChangeInput must include the following argument: changeFromQuantity.";

    // Source: graphql-2026-04-inventory-quantity-contracts (legacySetShape).
    public const string LegacyShapeMessage =
        "Variable $input of type InventorySetQuantitiesInput! was provided invalid value for ignoreCompareQuantity (Field is not defined on InventorySetQuantitiesInput)";

    // Source: graphql-2026-04-inventory-quantity-contracts (unknownIdValidation.setUnknownInventoryItem / setUnknownLocation).
    public const string UnknownItemMessage = "The specified inventory item could not be found.";
    public const string UnknownLocationMessage = "The specified location could not be found.";

    // Source: graphql-2026-04-inventorySetQuantities-name-validation (availableTooHigh), -quantity-bounds (availableTooLow, onHandNegative).
    public const string TooHighMessage = "The quantity can't be higher than 1,000,000,000.";
    public const string TooLowMessage = "The quantity can't be lower than -1,000,000,000.";
    public const string NegativeMessage = "The quantity can't be negative.";

    // Source: graphql-2026-04-inventorySetQuantities-name-validation (damaged, committed).
    public const string InvalidSetNameMessage = "The quantity name must be either 'available' or 'on_hand'.";

    // Source: graphql-2026-04-inventorySetQuantities-name-validation (duplicatePair).
    public const string DuplicatePairMessage = "The combination of inventoryItemId and locationId must be unique.";

    // Source: graphql-2026-04-inventory-reason-validation (invalidReasonCases.unknownReasonSet).
    public const string InvalidReasonMessage =
        "The specified reason is invalid. Valid values are: correction, cycle_count_available, damaged, movement_canceled, movement_created, "
        + "movement_received, movement_updated, other, promotion, quality_control, received, reservation_created, reservation_deleted, "
        + "reservation_updated, restock, safety_stock, shrinkage.";

    // Source: graphql-2026-04-inventory-reason-validation (candidateReasons, every one accepted).
    public static readonly string[] Reasons =
    [
        "correction", "cycle_count_available", "damaged", "movement_canceled", "movement_created", "movement_received", "movement_updated",
        "other", "promotion", "quality_control", "received", "reservation_created", "reservation_deleted", "reservation_updated", "restock",
        "safety_stock", "shrinkage",
    ];

    // Source: graphql-2026-04-inventory-adjust-name-allowlist (cases.adjustOnHand, adjustCommitted).
    public const string InvalidAdjustNameMessage =
        "The specified quantity name is invalid. Valid values are: available, damaged, incoming, quality_control, reserved, safety_stock.";

    // Source: shared research notes (shopify.md §1.1, IDEMPOTENCY_KEY_PARAMETER_MISMATCH captured on locationDeactivate 2026-04).
    public const string KeyMismatchMessage = "The same idempotency key cannot be used with different operation parameters.";

    // Source: shopify.dev InventorySetQuantitiesUserErrorCode.CHANGE_FROM_QUANTITY_STALE (not captured).
    public const string StaleMessage = "The changeFromQuantity value does not match persisted value.";

    // Source: the 401 Shopify answers for a bad token (widely reported; not in the captures).
    public const string InvalidTokenBody = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";

    /// <summary>
    /// A set mutation laid out like the captures' documents: "#graphql" on line 1, the root field at line 3 column 5 and
    /// the $input definition at line 2 column 41 (the positions captured in missingSetIdempotency and missingSetChangeFromQuantity).
    /// </summary>
    public const string SetMutation = """
        #graphql
          mutation InventoryQuantityContractSet($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
            inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
              inventoryAdjustmentGroup {
                id
                createdAt
                reason
                referenceDocumentUri
                changes { name delta quantityAfterChange item { id } location { id name } }
              }
              userErrors { field message code }
            }
          }
        """;

    /// <summary>The same without the directive.</summary>
    public const string SetMutationWithoutDirective = """
        #graphql
          mutation InventoryQuantityContractSet($input: InventorySetQuantitiesInput!, $idempotencyKey: String) {
            inventorySetQuantities(input: $input) {
              inventoryAdjustmentGroup { id reason changes { name delta item { id } location { id name } } }
              userErrors { field message code }
            }
          }
        """;

    public const string AdjustMutation = """
        #graphql
          mutation InventoryAdjust($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {
            inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {
              inventoryAdjustmentGroup {
                id
                reason
                referenceDocumentUri
                changes { name delta quantityAfterChange ledgerDocumentUri item { id } location { id } }
              }
              userErrors { field message code }
            }
          }
        """;
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Shopify.GraphQl;

namespace CdcBridge.DevStack.Shopify;

/// <summary>What one request's resolvers share: the shop and what the request did (for the request log).</summary>
internal sealed class SimRequestContext(SimulatorState shop)
{
    public SimulatorState Shop { get; } = shop;

    public string? IdempotencyKey { get; set; }

    public int Quantities { get; set; }

    public List<SimMutationOutcome> Outcomes { get; } = [];
}

/// <summary>
/// The slice of Shopify's Admin GraphQL schema (2026-04) the simulator serves: QueryRoot (shop, locations, location,
/// productVariants, productVariant, inventoryItem) and Mutation (inventorySetQuantities, inventoryAdjustQuantities).
/// </summary>
internal static class ShopifyAdminSchema
{
    public const int MaxPageSize = 250;
    public const int MaxInputArray = 250;

    static ShopifyAdminSchema()
    {
        var t = GqlInputTypes.Type;
        GqlInputTypes.Define("InventoryQuantityInput",
            new("inventoryItemId", t("ID!")), new("locationId", t("ID!")), new("quantity", t("Int!")), new("changeFromQuantity", t("Int")));
        GqlInputTypes.Define("InventorySetQuantitiesInput",
            new("reason", t("String!")), new("name", t("String!")), new("referenceDocumentUri", t("String")),
            new("quantities", t("[InventoryQuantityInput!]!")));
        GqlInputTypes.Define("InventoryChangeInput",
            new("delta", t("Int!")), new("changeFromQuantity", t("Int")), new("inventoryItemId", t("ID!")), new("locationId", t("ID!")),
            new("ledgerDocumentUri", t("String")));
        GqlInputTypes.Define("InventoryAdjustQuantitiesInput",
            new("reason", t("String!")), new("name", t("String!")), new("referenceDocumentUri", t("String")),
            new("changes", t("[InventoryChangeInput!]!")));

        var pageInfo = new GqlObjectType("PageInfo", costsPoint: false)
            .Scalar("hasNextPage", "Boolean!", s => ((GqlConnectionPage)s!).HasNextPage)
            .Scalar("hasPreviousPage", "Boolean!", s => ((GqlConnectionPage)s!).HasPreviousPage)
            .Scalar("startCursor", "String", s => ((GqlConnectionPage)s!).Cursors is { Count: > 0 } c ? c[0] : null)
            .Scalar("endCursor", "String", s => ((GqlConnectionPage)s!).Cursors is { Count: > 0 } c ? c[^1] : null);

        var shop = new GqlObjectType("Shop", costsPoint: true);
        var location = new GqlObjectType("Location", costsPoint: true);
        var level = new GqlObjectType("InventoryLevel", costsPoint: true);
        var quantity = new GqlObjectType("InventoryQuantity", costsPoint: false);
        var item = new GqlObjectType("InventoryItem", costsPoint: true);
        var variant = new GqlObjectType("ProductVariant", costsPoint: true);
        var product = new GqlObjectType("Product", costsPoint: true);
        var group = new GqlObjectType("InventoryAdjustmentGroup", costsPoint: true);
        var change = new GqlObjectType("InventoryChange", costsPoint: false);

        GqlObjectType Connection(GqlObjectType node)
        {
            var edge = new GqlObjectType(node.Name + "Edge", costsPoint: false)
                .Scalar("cursor", "String!", s => ((EdgeSource)s!).Cursor)
                .Object("node", node, (_, s, _) => ((EdgeSource)s!).Node);
            return new GqlObjectType(node.Name + "Connection", costsPoint: false, isConnection: true)
                .List("nodes", node, (_, s, _) => ((GqlConnectionPage)s!).Nodes, countEach: true)
                .List("edges", edge, (_, s, _) => EdgesOf((GqlConnectionPage)s!), countEach: true)
                .Object("pageInfo", pageInfo, (_, s, _) => s);
        }

        GqlArgumentDefinition[] paging = [new("first", t("Int")), new("after", t("String")), new("last", t("Int")), new("before", t("String"))];

        shop.Scalar("id", "ID!", _ => "gid://shopify/Shop/1")
            .Scalar("name", "String!", _ => "CdcBridge dev shop")
            .Scalar("myshopifyDomain", "String!", (c, _, _) => Shop(c).ShopDomain);

        location
            .Scalar("id", "ID!", s => ((ShopifyCatalogLocation)s!).Gid)
            .Scalar("legacyResourceId", "UnsignedInt64!", s => ((ShopifyCatalogLocation)s!).Id.ToString(CultureInfo.InvariantCulture))
            .Scalar("name", "String!", s => ((ShopifyCatalogLocation)s!).Name)
            .Scalar("isActive", "Boolean!", s => ((ShopifyCatalogLocation)s!).IsActive)
            .Scalar("fulfillsOnlineOrders", "Boolean!", s => ((ShopifyCatalogLocation)s!).FulfillsOnlineOrders)
            .Object("inventoryLevel", level, (c, s, a) =>
            {
                var itemId = ShopifyGid.TryParse(Str(a, "inventoryItemId"), "InventoryItem");
                return itemId is null ? null : Shop(c).Level(itemId.Value, ((ShopifyCatalogLocation)s!).Id);
            }, new GqlArgumentDefinition("inventoryItemId", t("ID!")))
            .Add(new GqlFieldDefinition("inventoryLevels", GqlFieldKind.Object, "InventoryLevelConnection!", Connection(level), paging, (c, s, a) =>
            {
                var shopState = Shop(c);
                var locationId = ((ShopifyCatalogLocation)s!).Id;
                return Page(a, shopState.ItemIds, id => id, id => shopState.Level(id, locationId)!);
            }));

        quantity
            .Scalar("name", "String!", s => ((QuantitySource)s!).Name)
            .Scalar("quantity", "Int!", s => ((QuantitySource)s!).Level.Get(((QuantitySource)s!).Name))
            .Scalar("updatedAt", "DateTime", s => ((QuantitySource)s!).Name == "available" ? ((QuantitySource)s!).Level.AvailableUpdatedAt : null);

        level
            .Scalar("id", "ID!", s => ShopifyGid.InventoryLevel(((SimLevel)s!).LocationId, ((SimLevel)s!).ItemId))
            .Scalar("updatedAt", "DateTime!", s => ((SimLevel)s!).AvailableUpdatedAt)
            .List("quantities", quantity, (_, s, a) =>
            {
                var names = ((JsonArray)a["names"]!).Select(n => n!.GetValue<string>()).ToList();
                var bad = names.FirstOrDefault(n => !SimLevel.AllNames.Contains(n));
                if (bad is not null)
                {
                    // Not captured: Shopify's wording for an unknown quantity name in a read.
                    throw new GqlFieldException($"The quantity name '{bad}' is invalid. Valid values are: {string.Join(", ", SimLevel.AllNames)}.", "BAD_REQUEST");
                }

                return names.Select(n => new QuantitySource((SimLevel)s!, n)).ToList();
            }, countEach: false, new GqlArgumentDefinition("names", t("[String!]!")))
            .Object("item", item, (c, s, _) => Shop(c).VariantOfItem(((SimLevel)s!).ItemId))
            .Object("location", location, (c, s, _) => Shop(c).Location(((SimLevel)s!).LocationId));

        item
            .Scalar("id", "ID!", s => ShopifyGid.InventoryItem(((ShopifyCatalogVariant)s!).InventoryItemId))
            .Scalar("legacyResourceId", "UnsignedInt64!", s => ((ShopifyCatalogVariant)s!).InventoryItemId.ToString(CultureInfo.InvariantCulture))
            .Scalar("sku", "String", s => ((ShopifyCatalogVariant)s!).Sku)
            .Scalar("tracked", "Boolean!", s => ((ShopifyCatalogVariant)s!).Tracked)
            .Scalar("requiresShipping", "Boolean!", _ => true)
            .Object("variant", variant, (_, s, _) => s)
            .Object("inventoryLevel", level, (c, s, a) =>
            {
                var locationId = ShopifyGid.TryParse(Str(a, "locationId"), "Location");
                return locationId is null ? null : Shop(c).Level(((ShopifyCatalogVariant)s!).InventoryItemId, locationId.Value);
            }, new GqlArgumentDefinition("locationId", t("ID!")))
            .Add(new GqlFieldDefinition("inventoryLevels", GqlFieldKind.Object, "InventoryLevelConnection!", Connection(level), paging, (c, s, a) =>
            {
                var shopState = Shop(c);
                var itemId = ((ShopifyCatalogVariant)s!).InventoryItemId;
                return Page(a, shopState.Locations, l => l.Id, l => shopState.Level(itemId, l.Id)!);
            }));

        product
            .Scalar("id", "ID!", s => ShopifyGid.Product(((ShopifyCatalogVariant)s!).ProductId))
            .Scalar("title", "String!", s => ((ShopifyCatalogVariant)s!).ProductTitle)
            .Scalar("tracksInventory", "Boolean!", s => ((ShopifyCatalogVariant)s!).Tracked);

        variant
            .Scalar("id", "ID!", s => ShopifyGid.ProductVariant(((ShopifyCatalogVariant)s!).VariantId))
            .Scalar("legacyResourceId", "UnsignedInt64!", s => ((ShopifyCatalogVariant)s!).VariantId.ToString(CultureInfo.InvariantCulture))
            .Scalar("sku", "String", s => ((ShopifyCatalogVariant)s!).Sku)
            .Scalar("title", "String!", s => ((ShopifyCatalogVariant)s!).Title)
            .Scalar("displayName", "String!", s => ((ShopifyCatalogVariant)s!).DisplayName)
            .Scalar("inventoryQuantity", "Int", (c, s, _) =>
            {
                var shopState = Shop(c);
                var v = (ShopifyCatalogVariant)s!;
                return shopState.Locations.Sum(l => shopState.Level(v.InventoryItemId, l.Id)!.Available);
            })
            .Object("inventoryItem", item, (_, s, _) => s)
            .Object("product", product, (_, s, _) => s);

        change
            .Scalar("name", "String!", s => ((SimChange)s!).Name)
            .Scalar("delta", "Int!", s => ((SimChange)s!).Delta)
            .Scalar("quantityAfterChange", "Int", _ => null) // null in every capture
            .Scalar("ledgerDocumentUri", "String", s => ((SimChange)s!).LedgerDocumentUri)
            .Object("item", item, (c, s, _) => Shop(c).VariantOfItem(((SimChange)s!).ItemId))
            .Object("location", location, (c, s, _) => Shop(c).Location(((SimChange)s!).LocationId));

        group
            .Scalar("id", "ID!", s => ShopifyGid.InventoryAdjustmentGroup(((SimAdjustmentGroup)s!).Id))
            .Scalar("createdAt", "DateTime!", s => ((SimAdjustmentGroup)s!).CreatedAt)
            .Scalar("reason", "String!", s => ((SimAdjustmentGroup)s!).Reason)
            .Scalar("referenceDocumentUri", "String", s => ((SimAdjustmentGroup)s!).ReferenceDocumentUri)
            .List("changes", change, (_, s, _) => ((SimAdjustmentGroup)s!).Changes, countEach: false,
                new GqlArgumentDefinition("inventoryItemIds", t("[ID!]")), new GqlArgumentDefinition("locationIds", t("[ID!]")),
                new GqlArgumentDefinition("quantityNames", t("[String!]")));

        GqlObjectType Payload(string name)
        {
            var userError = new GqlObjectType(name + "UserError", costsPoint: false)
                .Scalar("field", "[String!]", s => ((SimUserError)s!).Field)
                .Scalar("message", "String!", s => ((SimUserError)s!).Message)
                .Scalar("code", name + "UserErrorCode", s => ((SimUserError)s!).Code);
            return new GqlObjectType(name + "Payload", costsPoint: false)
                .Object("inventoryAdjustmentGroup", group, (_, s, _) => ((SimMutationOutcome)s!).Group)
                .List("userErrors", userError, (_, s, _) => ((SimMutationOutcome)s!).UserErrors);
        }

        Query = new GqlObjectType("QueryRoot", costsPoint: false)
            .Object("shop", shop, (_, _, _) => new object())
            .Add(new GqlFieldDefinition("locations", GqlFieldKind.Object, "LocationConnection!", Connection(location),
                [.. paging, new("includeInactive", t("Boolean"), JsonValue.Create(false)), new("includeLegacy", t("Boolean"), JsonValue.Create(false)),
                 new("query", t("String"))],
                (c, _, a) =>
                {
                    var all = a["includeInactive"]?.GetValue<bool>() == true;
                    return Page(a, Shop(c).Locations.Where(l => all || l.IsActive).ToList(), l => l.Id, l => l);
                }))
            .Object("location", location, (c, _, a) => ShopifyGid.TryParse(Str(a, "id"), "Location") is { } id ? Shop(c).Location(id) : null,
                new GqlArgumentDefinition("id", t("ID")))
            .Add(new GqlFieldDefinition("productVariants", GqlFieldKind.Object, "ProductVariantConnection!", Connection(variant),
                [.. paging, new("query", t("String")), new("sortKey", t("String")), new("reverse", t("Boolean"))],
                (c, _, a) =>
                {
                    var search = VariantSearch.Parse(Str(a, "query"));
                    return Page(a, Shop(c).Variants.Where(search.Matches).ToList(), v => v.VariantId, v => v);
                }))
            .Object("productVariant", variant, (c, _, a) => ShopifyGid.TryParse(Str(a, "id"), "ProductVariant") is { } id
                ? Shop(c).Variants.FirstOrDefault(v => v.VariantId == id) : null, new GqlArgumentDefinition("id", t("ID!")))
            .Object("inventoryItem", item, (c, _, a) => ShopifyGid.TryParse(Str(a, "id"), "InventoryItem") is { } id ? Shop(c).VariantOfItem(id) : null,
                new GqlArgumentDefinition("id", t("ID!")));

        Mutation = new GqlObjectType("Mutation", costsPoint: false)
            .Add(new GqlFieldDefinition("inventorySetQuantities", GqlFieldKind.Object, "InventorySetQuantitiesPayload",
                Payload("InventorySetQuantities"), [new("input", t("InventorySetQuantitiesInput!"))],
                (c, _, a) => InventoryMutation(c, a, "quantities", "InventoryQuantityInput", s => s.SetQuantities((JsonObject)a["input"]!)),
                BaseCost: 10))
            .Add(new GqlFieldDefinition("inventoryAdjustQuantities", GqlFieldKind.Object, "InventoryAdjustQuantitiesPayload",
                Payload("InventoryAdjustQuantities"), [new("input", t("InventoryAdjustQuantitiesInput!"))],
                (c, _, a) => InventoryMutation(c, a, "changes", "InventoryChangeInput", s => s.AdjustQuantities((JsonObject)a["input"]!)),
                BaseCost: 10));
    }

    public static GqlObjectType Query { get; }

    public static GqlObjectType Mutation { get; }

    private static SimulatorState Shop(GqlResolveContext context) => ((SimRequestContext)context.State).Shop;

    private static string? Str(JsonObject arguments, string name) => arguments[name] is JsonValue v ? v.GetValue<string>() : null;

    /// <summary>
    /// The 2026-04 checks in the order the captures imply (a request without changeFromQuantity and without the directive
    /// gets INVALID_FIELD_ARGUMENTS), then idempotency, then the mutation under the shop's lock.
    /// </summary>
    private static SimMutationOutcome InventoryMutation(GqlResolveContext context, JsonObject arguments, string listName, string entryType,
        Func<SimulatorState, SimMutationOutcome> apply)
    {
        var request = (SimRequestContext)context.State;
        var input = (JsonObject)arguments["input"]!;
        var entries = (JsonArray)input[listName]!;
        request.Quantities += entries.Count;
        if (entries.Any(e => e is JsonObject o && !o.ContainsKey("changeFromQuantity")))
        {
            throw new GqlFieldException($"{entryType} must include the following argument: changeFromQuantity.", "INVALID_FIELD_ARGUMENTS",
                [context.ArgumentSource("input")]);
        }

        if (!context.HasDirective("idempotent"))
        {
            throw new GqlFieldException("The @idempotent directive is required for this mutation but was not provided.", "BAD_REQUEST");
        }

        var key = context.DirectiveArgument("idempotent", "key") is JsonValue k && k.TryGetValue<string>(out var text) ? text : null;
        if (string.IsNullOrWhiteSpace(key))
        {
            // Not captured: the wording for an empty key.
            throw new GqlFieldException("The @idempotent directive requires a non-empty key.", "BAD_REQUEST");
        }

        request.IdempotencyKey = key;
        if (entries.Count > MaxInputArray)
        {
            // shopify.dev "Requests return an error if an input array exceeds 250 items"; the wording is the commonly reported one.
            throw new GqlFieldException($"The input array size of {entries.Count} is greater than the maximum allowed of {MaxInputArray}.", "MAX_INPUT_SIZE_EXCEEDED");
        }

        var shop = request.Shop;
        var outcome = shop.Idempotent(key, context.Field.Name, arguments, () => apply(shop));
        request.Outcomes.Add(outcome);
        return outcome;
    }

    private static GqlConnectionPage Page<T>(JsonObject arguments, IReadOnlyList<T> ordered, Func<T, long> key, Func<T, object> node)
    {
        var first = arguments["first"]?.GetValue<long>();
        var last = arguments["last"]?.GetValue<long>();
        if (first is null && last is null)
        {
            throw new GqlFieldException("you must provide one of first or last", "BAD_REQUEST");
        }

        if (last is not null)
        {
            throw new GqlFieldException("This simulator pages forwards only (first/after).", "BAD_REQUEST");
        }

        if (first is < 0 or > MaxPageSize)
        {
            throw new GqlFieldException($"The first argument must be between 0 and {MaxPageSize}.", "BAD_REQUEST");
        }

        var start = 0;
        if (Str(arguments, "after") is { } after)
        {
            var afterKey = DecodeCursor(after) ?? throw new GqlFieldException($"Invalid cursor for 'after': {after}", "BAD_REQUEST");
            // Ordered lists are sorted by key ascending: binary search the first key after the cursor.
            int lo = 0, hi = ordered.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (key(ordered[mid]) <= afterKey)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            start = lo;
        }

        var count = (int)Math.Min(first!.Value, ordered.Count - start);
        var nodes = new List<object>(count);
        var cursors = new List<string>(count);
        for (var i = start; i < start + count; i++)
        {
            nodes.Add(node(ordered[i]));
            cursors.Add(EncodeCursor(key(ordered[i])));
        }

        return new GqlConnectionPage(nodes, cursors, start + count < ordered.Count, start > 0);
    }

    private static string EncodeCursor(long key) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"last_id\":{key.ToString(CultureInfo.InvariantCulture)}}}"));

    private static long? DecodeCursor(string cursor)
    {
        try
        {
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor)));
            return json?["last_id"]?.GetValue<long>();
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static IEnumerable<EdgeSource> EdgesOf(GqlConnectionPage page) => page.Nodes.Select((n, i) => new EdgeSource(n, page.Cursors[i]));

    private sealed record EdgeSource(object Node, string Cursor);

    private sealed record QuantitySource(SimLevel Level, string Name);
}

using System.Globalization;

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// The shop's orders and customers: placing an order commits stock as a shopper's checkout does, cancelling it with
/// restock gives the committed units back. Ids are 18-digit numbers above 2^53 like Shopify's (its sample order id is
/// 820982911946154508), odd so that no double holds them exactly.
/// </summary>
internal sealed partial class SimulatorState
{
    private readonly List<ShopifySimOrder> _orders = [];
    private readonly Dictionary<long, int> _orderIndex = [];
    private readonly Dictionary<string, SimCustomer> _customersByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, SimCustomer> _customersById = [];
    private long _nextOrderId = 612_903_415_246_839_809;
    private long _nextLineItemId = 866_550_311_766_440_001;
    private long _nextCustomerId = 315_310_627_314_724_003;
    private long _nextAddressId = 715_243_470_612_852_005;
    private long _nextShippingLineId = 271_878_346_596_885_007;
    private int _nextOrderNumber = 1001;

    public IReadOnlyList<ShopifySimOrder> Orders()
    {
        lock (_gate)
        {
            return [.. _orders];
        }
    }

    public SimCustomer? Customer(long? id)
    {
        lock (_gate)
        {
            return id is { } value ? _customersById.GetValueOrDefault(value) : null;
        }
    }

    /// <summary>
    /// Places an order as a shopper would: at the given location, else the first location (catalog order) where every line
    /// has enough available, else the first location. Per line available −= qty and committed += qty (on_hand unchanged).
    /// Lines are priced from the catalog (else <see cref="SimulatorPricing.DefaultUnitPrice"/>) with one shipping line.
    /// </summary>
    public ShopifySimOrder PlaceOrder(ShopifySimOrderRequest request)
    {
        if (request.Lines is null || request.Lines.Count == 0)
        {
            throw new ShopifySimulatorException("An order needs at least one line.");
        }

        lock (_gate)
        {
            var lines = new List<(ShopifyCatalogVariant Variant, int Quantity)>();
            foreach (var line in request.Lines)
            {
                if (line.Quantity <= 0)
                {
                    throw new ShopifySimulatorException($"Line '{line.Sku}': quantity must be positive.");
                }

                lines.Add((SingleVariant(line.Sku), line.Quantity));
            }

            if (Locations.Count == 0)
            {
                throw new ShopifySimulatorException("The shop has no location.");
            }

            long locationId;
            if (request.LocationId is not null)
            {
                locationId = ParseLocation(request.LocationId) ?? throw new ShopifySimulatorException($"Unknown location '{request.LocationId}'.");
            }
            else
            {
                var fitting = Locations.FirstOrDefault(l => lines.All(x => _levels[(x.Variant.InventoryItemId, l.Id)].Available >= x.Quantity));
                locationId = (fitting ?? Locations[0]).Id;
            }

            var now = Now;
            foreach (var (variant, quantity) in lines)
            {
                var level = _levels[(variant.InventoryItemId, locationId)];
                level.Available -= quantity;
                level.Committed += quantity;
                level.AvailableUpdatedAt = now;
            }

            var number = _nextOrderNumber++;
            var order = new ShopifySimOrder(NextId(ref _nextOrderId), "#" + number.ToString(CultureInfo.InvariantCulture), request.Email, locationId,
                [.. lines.Select(l => PricedLine(l.Variant, l.Quantity))], now)
            {
                OrderNumber = number,
                CustomerId = CustomerFor(request.Email, now)?.Id,
                ShippingLineId = NextId(ref _nextShippingLineId),
                ShippingPrice = SimulatorPricing.ShippingPrice,
                UpdatedAt = now,
            };
            _orderIndex[order.Id] = _orders.Count;
            _orders.Add(order);
            return order;
        }
    }

    /// <summary>
    /// Cancels an open order as Shopify's cancel does: with <paramref name="restock"/> each line's units go from committed
    /// back to available at the order's location; without, they leave committed (and on_hand) for good.
    /// <c>updated_at</c> moves forward by at least a second, the precision of Shopify's timestamps.
    /// </summary>
    public SimCancellation CancelOrder(long id, string reason, bool restock)
    {
        lock (_gate)
        {
            if (!_orderIndex.TryGetValue(id, out var index))
            {
                return new SimCancellation(SimCancelOutcome.NotFound, null);
            }

            var order = _orders[index];
            if (order.CancelledAt is not null)
            {
                return new SimCancellation(SimCancelOutcome.AlreadyCancelled, order);
            }

            var now = Now;
            foreach (var line in order.Lines)
            {
                var level = _levels[(line.InventoryItemId, order.LocationId)];
                level.Committed -= line.Quantity;
                if (restock)
                {
                    level.Available += line.Quantity;
                    level.AvailableUpdatedAt = now;
                }
            }

            var updatedAt = now >= order.UpdatedAt.AddSeconds(1) ? now : order.UpdatedAt.AddSeconds(1);
            var cancelled = order with { CancelledAt = updatedAt, CancelReason = reason, Restocked = restock, UpdatedAt = updatedAt };
            _orders[index] = cancelled;
            return new SimCancellation(SimCancelOutcome.Cancelled, cancelled);
        }
    }

    private ShopifySimOrderLine PricedLine(ShopifyCatalogVariant variant, int quantity)
    {
        var price = SimulatorPricing.Round(variant.Price ?? SimulatorPricing.DefaultUnitPrice);
        return new ShopifySimOrderLine(variant.Sku, variant.InventoryItemId, quantity)
        {
            Id = NextId(ref _nextLineItemId),
            VariantId = variant.VariantId,
            ProductId = variant.ProductId,
            ProductTitle = variant.ProductTitle,
            VariantTitle = variant.Title,
            Price = price,
            TaxRate = SimulatorPricing.TaxRate,
            Tax = SimulatorPricing.LineTax(price, quantity),
        };
    }

    /// <summary>The shop's customer for an email (created on its first order), or none for an order without email.</summary>
    private SimCustomer? CustomerFor(string? email, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var customer = _customersByEmail.TryGetValue(email, out var known)
            ? known with { UpdatedAt = now }
            : new SimCustomer(NextId(ref _nextCustomerId), email, NextId(ref _nextAddressId), ShopperProfile.From(email), now, now);
        _customersByEmail[email] = customer;
        _customersById[customer.Id] = customer;
        return customer;
    }

    /// <summary>The next id of a sequence; steps are even so ids stay odd.</summary>
    private static long NextId(ref long next)
    {
        var id = next;
        next += 2_097_154;
        return id;
    }
}

/// <summary>A shop customer, one per email: created by its first order, updated by each order.</summary>
internal sealed record SimCustomer(long Id, string Email, long AddressId, ShopperProfile Profile, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal enum SimCancelOutcome
{
    Cancelled,
    NotFound,
    AlreadyCancelled,
}

internal sealed record SimCancellation(SimCancelOutcome Outcome, ShopifySimOrder? Order);

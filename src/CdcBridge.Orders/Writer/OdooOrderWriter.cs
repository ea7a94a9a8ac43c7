using System.Diagnostics;
using System.Text.Json.Nodes;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Odoo;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// Takes channel orders into Odoo exactly once. The idempotency key is the order's external id
/// (<see cref="OrderExternalIds.Order"/>): the writer looks it up first and, when Odoo already holds the order (a
/// redelivery, or a writer stopped between create and confirm), only confirms it if it is still a draft. Otherwise it
/// maps the lines to products and their Shopify tax lines to Odoo sale taxes (<see cref="SaleTaxCatalog"/>), checks
/// that the order's currency is the Odoo company's, finds or creates the buyer, and
/// creates the order with its lines through <c>sale.order.load</c> under that external id (odoo.md §3.4): the unique
/// index on ir.model.data makes a concurrent second create fail (a load message, not an exception) and the loser finds
/// the winner's order on its next look-up; a load that starts after the winner committed finds the external id itself
/// and updates that order and its lines (which have external ids too) to the same values, adding nothing
/// (<see cref="OdooOrderOutcome.Created"/> may then be true for both while the order is still a draft). Then
/// <c>action_confirm</c>; a confirm that finds the order already confirmed ("not in a state requiring confirmation")
/// is success. Every call is safe to repeat, so the client may retry any of them. Failures come out as
/// <see cref="OrderWriteException"/>: permanent for data an operator must fix, transient when Odoo was unreachable.
/// </summary>
public sealed partial class OdooOrderWriter : IChannelOrderWriter
{
    private const string NotConfirmable = "not in a state requiring confirmation";

    private readonly OdooCalls _odoo;
    private readonly OdooOrderWriterOptions _options;
    private readonly OrderLineResolver _lines;
    private readonly PartnerResolver _partners;
    private readonly WriterCompany _company;
    private readonly SaleTaxCatalog _taxes;
    private readonly ILogger _logger;

    public OdooOrderWriter(OdooJsonRpcClient odoo, IVariantSkuResolver variants, OdooOrderWriterOptions? options = null, ILogger<OdooOrderWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(odoo);
        ArgumentNullException.ThrowIfNull(variants);
        _options = options ?? new OdooOrderWriterOptions();
        _options.Validate();
        _odoo = new OdooCalls(odoo, _options.Language);
        _lines = new OrderLineResolver(_odoo, variants, _options);
        _partners = new PartnerResolver(_odoo, _options);
        _company = new WriterCompany(_odoo, odoo);
        _taxes = new SaleTaxCatalog(_odoo, _company);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public OdooOrderWriterOptions Options => _options;

    /// <summary>Creates and confirms the order in Odoo, or confirms (if still a draft) the one Odoo already holds.</summary>
    public Task<OdooOrderOutcome> WriteAsync(IntakeOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        return MeasureAsync("write", order, async () =>
        {
            var xmlid = ExternalId(order);
            if (await FindAsync(xmlid, ct) is { } existing)
            {
                return await ConfirmAsync(existing, ct);
            }

            var created = await CreateDraftAsync(order, ct);
            return await ConfirmAsync(created, ct);
        }, o => o.Created ? OrdersMetrics.WriterOutcomes.Created : OrdersMetrics.WriterOutcomes.Existing);
    }

    /// <summary>
    /// Cancels the order Odoo holds for this channel order (with <c>disable_cancel_warning</c>, else Odoo 17 answers its
    /// cancel wizard and cancels nothing); an order already cancelled is left as it is. Null when Odoo does not hold the
    /// order: the caller must then make sure it is never created.
    /// </summary>
    public Task<OdooOrderOutcome?> CancelAsync(IntakeOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        return MeasureAsync<OdooOrderOutcome?>("cancel", order, async () =>
        {
            if (await FindAsync(ExternalId(order), ct) is not { } existing)
            {
                return null;
            }

            if (existing.State == "cancel")
            {
                return existing;
            }

            var answer = await _odoo.CallAsync("sale.order", "action_cancel", [new JsonArray(existing.SaleOrderId)], ct,
                context: new JsonObject { ["disable_cancel_warning"] = true });
            if (answer is JsonObject)
            {
                throw new OrderWriteException($"Odoo answered its cancel wizard for {existing.SaleOrderName} instead of cancelling it.", isPermanent: true);
            }

            return await ReadAsync(existing.SaleOrderId, created: false, ct)
                ?? throw new OrderWriteException($"{existing.SaleOrderName} disappeared from Odoo while being cancelled.", isPermanent: true);
        }, o => o is null ? OrdersMetrics.WriterOutcomes.NotFound : OrdersMetrics.WriterOutcomes.Cancelled);
    }

    /// <summary>The first half of <see cref="WriteAsync"/>: the order created (or found) as a draft, not confirmed.</summary>
    internal async Task<OdooOrderOutcome> CreateDraftAsync(IntakeOrder order, CancellationToken ct)
    {
        var xmlid = ExternalId(order);
        var taxes = await _taxes.ForAsync(order, ct);
        var lines = await _lines.ResolveAsync(order, taxes, ct);
        var currency = await _company.CurrencyAsync(ct);
        if (!string.Equals(currency, order.Currency, StringComparison.OrdinalIgnoreCase))
        {
            throw new OrderWriteException($"Order {order.Name} of {order.ShopDomain} is in {order.Currency} but the Odoo company prices in {currency}; "
                + "the writer sets no pricelist per currency, so it would write the amounts in the wrong currency.", isPermanent: true);
        }

        var partners = await _partners.ResolveAsync(order, ct);
        var (fields, rows) = SaleOrderLoad.Build(xmlid, order, partners, lines, taxes.LineField, _options.WarehouseId);
        for (var attempt = 1; ; attempt++)
        {
            var load = await _odoo.LoadAsync("sale.order", fields, rows, ct);
            if (load.Succeeded)
            {
                var read = await ReadAsync(load.Ids[0], created: true, ct, order)
                    ?? throw new OrderWriteException($"Odoo created order {order.Name} but cannot read it back.", isPermanent: false);

                // Past draft, the load met the order a concurrent writer had made (and updated it to the same values).
                return read.State == "draft" ? read : read with { Created = false };
            }

            if (!load.LostRace)
            {
                // Perhaps a kept tax is gone from Odoo: the replay of this order reads the taxes again.
                _taxes.Invalidate();
                throw OrderWriteFailures.Load(load, $"order {order.Name} of {order.ShopDomain}");
            }

            // A concurrent writer of the same order won: its order is ours.
            OrdersMetrics.WriterRaces.Add(1);
            LogLostRace(_logger, order.ShopDomain, order.OrderId, attempt);
            if (await FindAsync(xmlid, ct) is { } winner)
            {
                return winner;
            }

            if (attempt >= _options.MaxRaceAttempts)
            {
                throw OrderWriteFailures.Load(load, $"order {order.Name} of {order.ShopDomain}");
            }
        }
    }

    private string ExternalId(IntakeOrder order) => OrderExternalIds.Order(_options.ExternalIdModule, order.ShopDomain, order.OrderId);

    private async Task<OdooOrderOutcome> ConfirmAsync(OdooOrderOutcome order, CancellationToken ct)
    {
        if (order.State is not ("draft" or "sent"))
        {
            return order; // confirmed already, or cancelled (never brought back by a write)
        }

        try
        {
            await _odoo.CallAsync("sale.order", "action_confirm", [new JsonArray(order.SaleOrderId)], ct);
            return order with { State = "sale" };
        }
        catch (OdooFaultException e) when (e.ErrorName == OdooErrors.UserError && e.OdooMessage.Contains(NotConfirmable, StringComparison.Ordinal))
        {
            // A concurrent writer (or an earlier attempt whose answer was lost) confirmed it first.
            return await ReadAsync(order.SaleOrderId, order.Created, ct) ?? throw new OrderWriteException($"{order.SaleOrderName} disappeared from Odoo.", isPermanent: true);
        }
    }

    /// <summary>The sale order the external id names, or null (also when the id points at a deleted order: load then makes a new one).</summary>
    private async Task<OdooOrderOutcome?> FindAsync(string xmlid, CancellationToken ct) =>
        await _odoo.ResolveExternalIdAsync(xmlid, "sale.order", ct) is { } id ? await ReadAsync(id, created: false, ct) : null;

    /// <summary>The order's name and state; given the order just loaded, also compares Odoo's tax with Shopify's (same request).</summary>
    private async Task<OdooOrderOutcome?> ReadAsync(int id, bool created, CancellationToken ct, IntakeOrder? loaded = null)
    {
        var rows = await _odoo.SearchReadAsync("sale.order", [new JsonArray("id", "=", id)], loaded is null ? ["name", "state"] : ["name", "state", "amount_tax"],
            ct, limit: 1);
        if (rows.Count == 0)
        {
            return null;
        }

        var outcome = new OdooOrderOutcome(id, rows[0]["name"]!.GetValue<string>(), rows[0]["state"]!.GetValue<string>(), created);
        // Odoo rounds each line's tax to the cent (and its discount to a percentage with 2 decimals), so up to a cent a
        // line apart is rounding; more means an Odoo tax computes otherwise than the Shopify rate it was matched to
        // (or a line Shopify taxed was edited away).
        var rounding = 0.01m * Math.Max(1, loaded?.Lines.Count + loaded?.ShippingLines.Count ?? 0);
        if (loaded is not null && rows[0]["amount_tax"]?.GetValue<decimal>() is { } odooTax && Math.Abs(odooTax - loaded.TotalTax) > rounding)
        {
            LogTaxDiffers(_logger, loaded.ShopDomain, loaded.OrderId, outcome.SaleOrderName, odooTax, loaded.TotalTax);
        }

        return outcome;
    }

    private async Task<T> MeasureAsync<T>(string operation, IntakeOrder order, Func<Task<T>> work, Func<T, string> outcomeOf)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await work();
            outcome = outcomeOf(result);
            if (result is OdooOrderOutcome o)
            {
                LogDone(_logger, operation, order.ShopDomain, order.OrderId, o.SaleOrderName, o.State, outcome);
            }
            else
            {
                LogNotHeld(_logger, order.ShopDomain, order.OrderId);
            }

            return result;
        }
        catch (OdooFaultException e)
        {
            outcome = e.IsTransient ? OrdersMetrics.WriterOutcomes.Transient : OrdersMetrics.WriterOutcomes.Permanent;
            throw new OrderWriteException(
                $"Odoo {(e.IsTransient ? "was unavailable" : "refused the call")} for order {order.Name} of {order.ShopDomain}: {Redaction.Redact(e.Message)}",
                isPermanent: !e.IsTransient, e);
        }
        catch (OrderWriteException e)
        {
            outcome = e.IsPermanent ? OrdersMetrics.WriterOutcomes.Permanent : OrdersMetrics.WriterOutcomes.Transient;
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // A JSON value of another type than Odoo 17 answers: another Odoo version or a proxy's page; no retry mends it.
            outcome = OrdersMetrics.WriterOutcomes.Permanent;
            throw new OrderWriteException($"Odoo answered {operation} of order {order.Name} of {order.ShopDomain} in an unexpected shape: {e.Message}",
                isPermanent: true, e);
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled_call";
            throw;
        }
        finally
        {
            OrdersMetrics.WriterOrders.Add(1, new("operation", operation), new("outcome", outcome));
            OrdersMetrics.WriterDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Odoo writer: {Operation} {Shop} order {OrderId} -> {SaleOrder} ({State}, {Outcome})")]
    private static partial void LogDone(ILogger logger, string operation, string shop, long orderId, string saleOrder, string state, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Odoo writer: cancel {Shop} order {OrderId}: Odoo does not hold it")]
    private static partial void LogNotHeld(ILogger logger, string shop, long orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Odoo writer: {Shop} order {OrderId} -> {SaleOrder}: Odoo's tax is {OdooTax}, Shopify charged {ShopifyTax}")]
    private static partial void LogTaxDiffers(ILogger logger, string shop, long orderId, string saleOrder, decimal odooTax, decimal shopifyTax);

    [LoggerMessage(Level = LogLevel.Information, Message = "Odoo writer: {Shop} order {OrderId} lost a create race (attempt {Attempt}); looking it up again")]
    private static partial void LogLostRace(ILogger logger, string shop, long orderId, int attempt);
}

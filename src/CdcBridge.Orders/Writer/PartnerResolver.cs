using System.Globalization;
using System.Text.Json.Nodes;
using CdcBridge.Orders.Odoo;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// Finds or creates the order's customer and its delivery and invoice contacts (odoo.md §3.4):
/// <list type="bullet">
/// <item>with an email (the order's, else the customer's; trimmed and lower-cased): the first partner whose email
/// matches it exactly (<c>=ilike</c> with LIKE wildcards escaped, so case-insensitive equality); else a new contact
/// created through <c>load</c> under an external id made from the email's hash, so two writers of one new buyer make
/// one partner;</item>
/// <item>without an email: no search (a name is no identity, matching on it would merge different people), a contact
/// per Shopify customer id (external id by shop and customer), or, for a guest without customer, one per order; named
/// after the customer, else the shipping or billing recipient, else "Shopify buyer of #1001".</item>
/// </list>
/// Addresses become child contacts (<c>parent_id</c>, <c>type</c> delivery or invoice) under an external id made from the
/// partner and the address, so the same address is one contact however many orders use it. The simulated Odoo has no
/// res.country, so country and state are not written (a deployment adds <c>country_id/id</c> = <c>base.&lt;code&gt;</c>).
/// </summary>
internal sealed class PartnerResolver(OdooCalls odoo, OdooOrderWriterOptions options)
{
    private static readonly string[] PartnerFields = ["id", "name", "email", "phone", "type", "customer_rank"];

    private static readonly string[] AddressFields = ["id", "parent_id/.id", "type", "name", "street", "street2", "city", "zip", "phone"];

    public async Task<OrderPartners> ResolveAsync(IntakeOrder order, CancellationToken ct)
    {
        var customer = await CustomerAsync(order, ct);
        var addresses = new List<(string Type, IntakeAddress Address)>();
        if (HasContent(order.ShippingAddress))
        {
            addresses.Add(("delivery", order.ShippingAddress!));
        }

        if (HasContent(order.BillingAddress))
        {
            addresses.Add(("invoice", order.BillingAddress!));
        }

        if (addresses.Count == 0)
        {
            return new OrderPartners(customer, customer, customer);
        }

        var rows = addresses.Select(a => (IReadOnlyList<string?>)
        [
            OrderExternalIds.Address(options.ExternalIdModule, customer, a.Type, Key(a.Address)),
            customer.ToString(CultureInfo.InvariantCulture), a.Type, a.Address.Recipient, a.Address.Address1, a.Address.Address2, a.Address.City,
            a.Address.Zip, a.Address.Phone,
        ]).ToList();
        var ids = await LoadAsync(AddressFields, rows, "the order's addresses", ct);
        var shipping = addresses[0].Type == "delivery" ? ids[0] : customer;
        var invoice = addresses[^1].Type == "invoice" ? ids[^1] : customer;
        return new OrderPartners(customer, shipping, invoice);
    }

    /// <summary>Trimmed and lower-cased, or null when there is none.</summary>
    public static string? NormalizeEmail(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    private async Task<int> CustomerAsync(IntakeOrder order, CancellationToken ct)
    {
        var email = NormalizeEmail(order.Email) ?? NormalizeEmail(order.Customer?.Email);
        var name = order.Customer?.FullName ?? order.ShippingAddress?.Recipient ?? order.BillingAddress?.Recipient;
        var phone = order.Phone ?? order.Customer?.Phone;
        if (email is null)
        {
            var xmlid = order.Customer is { } c
                ? OrderExternalIds.PartnerByCustomer(options.ExternalIdModule, order.ShopDomain, c.CustomerId)
                : OrderExternalIds.PartnerOfOrder(options.ExternalIdModule, order.ShopDomain, order.OrderId);
            name ??= order.Customer is { } known
                ? string.Create(CultureInfo.InvariantCulture, $"Shopify customer {known.CustomerId}")
                : $"Shopify buyer of {order.Name}";
            return (await LoadAsync(PartnerFields, [[xmlid, name, null, phone, "contact", "1"]], "the customer", ct))[0];
        }

        for (var attempt = 1; ; attempt++)
        {
            var found = await odoo.SearchReadAsync("res.partner", [new JsonArray("email", "=ilike", EscapeLike(email))], ["id", "email"], ct, limit: 1,
                order: "id");
            if (found.Count == 1)
            {
                return found[0]["id"]!.GetValue<int>();
            }

            var load = await odoo.LoadAsync("res.partner", PartnerFields,
                [[OrderExternalIds.PartnerByEmail(options.ExternalIdModule, email), name ?? email, email, phone, "contact", "1"]], ct);
            if (load.Succeeded)
            {
                return load.Ids[0];
            }

            // Lost to a concurrent writer of the same buyer: the next search finds its partner.
            if (!load.LostRace || attempt >= options.MaxRaceAttempts)
            {
                throw OrderWriteFailures.Load(load, "the customer");
            }
        }
    }

    /// <summary>A load of records that only ever converge (create or update to the same values): lost races are simply sent again.</summary>
    private async Task<IReadOnlyList<int>> LoadAsync(IReadOnlyList<string> fields, List<IReadOnlyList<string?>> rows, string what, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var load = await odoo.LoadAsync("res.partner", fields, rows, ct);
            if (load.Succeeded)
            {
                return load.Ids;
            }

            if (!load.LostRace || attempt >= options.MaxRaceAttempts)
            {
                throw OrderWriteFailures.Load(load, what);
            }
        }
    }

    private static bool HasContent(IntakeAddress? a) =>
        a is not null && new[] { a.Address1, a.Address2, a.City, a.Zip }.Any(p => !string.IsNullOrWhiteSpace(p));

    /// <summary>What makes two addresses the same contact (country and state included, though not written).</summary>
    private static string Key(IntakeAddress a) => string.Join('\u001f',
        new[] { a.Recipient, a.Company, a.Address1, a.Address2, a.City, a.Zip, a.ProvinceCode ?? a.Province, a.CountryCode ?? a.Country, a.Phone }
            .Select(p => (p ?? "").Trim().ToLowerInvariant()));

    /// <summary><c>=ilike</c> is SQL ILIKE without wildcards added: escape the ones an email may hold ('_' is common).</summary>
    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

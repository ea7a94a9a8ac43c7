using System.Text;

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// The subset of Shopify's search syntax productVariants(query:) needs: <c>sku:X</c>, <c>sku:"X Y"</c> (backslash escapes
/// \" and \\), free-text terms, implicit AND between adjacent terms and <c>OR</c> between groups. Shopify's search is
/// tokenised and fuzzy, so a term matches every SKU that merely <em>contains</em> it (case-insensitively): <c>sku:TEE-1</c>
/// finds TEE-1, TEE-10 and tee-100. Clients must check SKU equality themselves.
/// </summary>
internal sealed class VariantSearch
{
    private readonly List<List<(string? Field, string Value)>> _groups;

    private VariantSearch(List<List<(string? Field, string Value)>> groups) => _groups = groups;

    public static VariantSearch Parse(string? query)
    {
        var groups = new List<List<(string? Field, string Value)>>();
        if (string.IsNullOrWhiteSpace(query))
        {
            return new VariantSearch(groups);
        }

        var current = new List<(string? Field, string Value)>();
        var i = 0;
        while (i < query.Length)
        {
            if (char.IsWhiteSpace(query[i]))
            {
                i++;
                continue;
            }

            var (field, value, quoted) = ReadTerm(query, ref i);
            if (!quoted && field is null && value == "OR")
            {
                if (current.Count > 0)
                {
                    groups.Add(current);
                }

                current = [];
                continue;
            }

            if (!quoted && field is null && value == "AND")
            {
                continue;
            }

            current.Add((field, value));
        }

        if (current.Count > 0)
        {
            groups.Add(current);
        }

        return new VariantSearch(groups);
    }

    public bool Matches(ShopifyCatalogVariant variant) =>
        _groups.Count == 0 || _groups.Any(group => group.All(term => Matches(variant, term.Field, term.Value)));

    private static bool Matches(ShopifyCatalogVariant variant, string? field, string value) => field switch
    {
        "sku" => variant.Sku.Contains(value, StringComparison.OrdinalIgnoreCase),
        "title" => variant.Title.Contains(value, StringComparison.OrdinalIgnoreCase),
        "product_id" => variant.ProductId.ToString(System.Globalization.CultureInfo.InvariantCulture) == value,
        null => variant.Sku.Contains(value, StringComparison.OrdinalIgnoreCase)
            || variant.ProductTitle.Contains(value, StringComparison.OrdinalIgnoreCase)
            || variant.Title.Contains(value, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static (string? Field, string Value, bool Quoted) ReadTerm(string query, ref int i)
    {
        string? field = null;
        var start = i;
        // A field name is letters/underscores followed by ':'.
        var j = i;
        while (j < query.Length && (char.IsAsciiLetter(query[j]) || query[j] == '_'))
        {
            j++;
        }

        if (j > i && j < query.Length && query[j] == ':')
        {
            field = query[i..j];
            i = j + 1;
        }

        if (i < query.Length && query[i] == '"')
        {
            i++;
            var builder = new StringBuilder();
            while (i < query.Length && query[i] != '"')
            {
                if (query[i] == '\\' && i + 1 < query.Length)
                {
                    i++;
                }

                builder.Append(query[i]);
                i++;
            }

            i = Math.Min(i + 1, query.Length);
            return (field, builder.ToString(), true);
        }

        start = i;
        while (i < query.Length && !char.IsWhiteSpace(query[i]))
        {
            i++;
        }

        return (field, query[start..i], false);
    }
}

using System.Globalization;
using System.Text;

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// The name, phone and address of a simulated shopper, derived from the email alone so that one email always gives the
/// same person: the name from the email's local part ("ann.smith@..." is Ann Smith), the address picked from a few
/// fixed ones by a stable hash of the email. One address has accents (Montréal), so a receiver that re-encodes the body
/// before checking its HMAC fails on it as it would on a real store's.
/// </summary>
internal sealed record ShopperProfile(
    string FirstName,
    string LastName,
    string Phone,
    string Address1,
    string? Address2,
    string City,
    string Province,
    string ProvinceCode,
    string Zip,
    string Country,
    string CountryCode)
{
    private static readonly string[] LastNames = ["Smith", "Garcia", "Tremblay", "Chen", "Okafor", "Novak"];

    private static readonly (string Address1, string? Address2, string City, string Province, string ProvinceCode, string Zip, string Country, string CountryCode)[] Addresses =
    [
        ("123 Shipping Street", null, "Shippington", "Kentucky", "KY", "40003", "United States", "US"),
        ("1200 Rue Sainte-Catherine Ouest", "Appartement 4", "Montréal", "Quebec", "QC", "H3B 1K1", "Canada", "CA"),
        ("55 Water Street", "Suite 210", "Brooklyn", "New York", "NY", "11201", "United States", "US"),
        ("150 Elgin Street", null, "Ottawa", "Ontario", "ON", "K2P 1L4", "Canada", "CA"),
    ];

    public string Name => $"{FirstName} {LastName}";

    public static ShopperProfile From(string? email)
    {
        var hash = StableHash(email ?? "");
        var local = email is null ? "" : email.Split('@')[0];
        var tokens = local.Split(['.', '_', '-', '+'], StringSplitOptions.RemoveEmptyEntries)
            .Select(t => new string([.. t.Where(char.IsLetter)]))
            .Where(t => t.Length > 0)
            .Select(Capitalize)
            .ToArray();
        var (first, last) = tokens.Length switch
        {
            0 => ("Guest", "Shopper"),
            1 => (tokens[0], LastNames[hash % (uint)LastNames.Length]),
            _ => (tokens[0], tokens[^1]),
        };
        var address = Addresses[(hash / 7) % (uint)Addresses.Length];
        var phone = "+1 555-01" + (hash % 100).ToString("00", CultureInfo.InvariantCulture);
        return new ShopperProfile(first, last, phone, address.Address1, address.Address2, address.City, address.Province, address.ProvinceCode,
            address.Zip, address.Country, address.CountryCode);
    }

    private static string Capitalize(string token) =>
        char.ToUpperInvariant(token[0]) + token[1..].ToLowerInvariant();

    /// <summary>FNV-1a over the lower-cased UTF-8 email (string.GetHashCode differs per process).</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text.ToLowerInvariant()))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash;
    }
}

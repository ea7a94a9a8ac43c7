using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CdcBridge.Channels.Shopify;

/// <summary>
/// One Shopify store the sidecar writes to. <see cref="AdminBaseUrl"/> is <c>https://{shop}.myshopify.com</c> in
/// production and the simulator's URL in development. The access token never appears in <see cref="ToString"/>.
/// </summary>
public sealed partial record ShopifyStore
{
    /// <summary>The oldest API version the client speaks: mandatory <c>@idempotent</c> and <c>changeFromQuantity</c>.</summary>
    public const string MinimumApiVersion = "2026-04";

    public ShopifyStore(string shopDomain, Uri adminBaseUrl, string apiVersion, string accessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(shopDomain);
        ArgumentNullException.ThrowIfNull(adminBaseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiVersion);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        if (!adminBaseUrl.IsAbsoluteUri || adminBaseUrl.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"The admin base URL must be an absolute http(s) URL, not '{adminBaseUrl}'.", nameof(adminBaseUrl));
        }

        if (!VersionPattern().IsMatch(apiVersion))
        {
            throw new ArgumentException($"Shopify API versions are written YYYY-MM (e.g. {MinimumApiVersion}), not '{apiVersion}'.", nameof(apiVersion));
        }

        if (string.CompareOrdinal(apiVersion, MinimumApiVersion) < 0)
        {
            throw new ArgumentException(
                $"API version {apiVersion} is older than {MinimumApiVersion}: the client relies on the {MinimumApiVersion} inventory contract "
                + $"(mandatory @idempotent and changeFromQuantity). Use {MinimumApiVersion} or later.", nameof(apiVersion));
        }

        ShopDomain = shopDomain;
        AdminBaseUrl = adminBaseUrl;
        ApiVersion = apiVersion;
        AccessToken = accessToken;
    }

    public string ShopDomain { get; }

    public Uri AdminBaseUrl { get; }

    public string ApiVersion { get; }

    public string AccessToken { get; }

    /// <summary>The GraphQL Admin endpoint: <c>{AdminBaseUrl}/admin/api/{ApiVersion}/graphql.json</c>.</summary>
    public Uri GraphQlEndpoint => new(AdminBaseUrl.ToString().TrimEnd('/') + "/admin/api/" + ApiVersion + "/graphql.json");

    /// <summary>A production store: <c>https://{shopDomain}</c> (e.g. <c>northwind.myshopify.com</c>).</summary>
    public static ShopifyStore Production(string shopDomain, string apiVersion, string accessToken) =>
        new(shopDomain, new Uri(string.Create(CultureInfo.InvariantCulture, $"https://{shopDomain}")), apiVersion, accessToken);

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex VersionPattern();

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"ShopDomain = {ShopDomain}, AdminBaseUrl = {AdminBaseUrl}, ApiVersion = {ApiVersion}, AccessToken = ***");
        return true;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Shopify's webhook signature: X-Shopify-Hmac-Sha256 = Base64(HMAC-SHA256(key = the app's client secret as UTF-8,
/// message = the raw body bytes)). It is checked on the bytes as received, before any JSON parsing, and compared in
/// constant time.
/// </summary>
public static class ShopifyWebhookSignature
{
    private const int HashSize = HMACSHA256.HashSizeInBytes;

    /// <summary>
    /// Whether <paramref name="header"/> is the signature of <paramref name="body"/> under any of the secrets (the old and
    /// the new one during a rotation). A missing header or one that is not base64 of 32 bytes is simply false.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> body, string? header, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        Span<byte> given = stackalloc byte[HashSize];
        if (string.IsNullOrWhiteSpace(header) || !Convert.TryFromBase64String(header.Trim(), given, out var written) || written != HashSize)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashSize];
        var matched = false;
        foreach (var secret in secrets)
        {
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
            // Every secret is tried (no early exit), so the time taken does not tell which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(expected, given);
        }

        return matched;
    }

    /// <summary>The header value Shopify would send for <paramref name="body"/> signed with <paramref name="secret"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }
}

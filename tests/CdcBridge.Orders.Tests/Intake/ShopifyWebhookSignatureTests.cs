using System.Text;
using CdcBridge.Orders.Intake;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>X-Shopify-Hmac-Sha256 = Base64(HMAC-SHA256(key = client secret as UTF-8, message = the raw body bytes)).</summary>
public sealed class ShopifyWebhookSignatureTests
{
    private const string Secret = "hush";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":820982911946154508,"name":"#9999"}""");

    [Fact]
    public void The_signature_openssl_computes_for_the_body_is_accepted()
    {
        // Independent vector: printf '%s' '{"id":820982911946154508,"name":"#9999"}' | openssl dgst -sha256 -hmac 'hush' -binary | base64
        const string FromOpenssl = "YBwnJ9vsibq7srObgXybmGHWuwos+jDEL//7749XS78=";

        ShopifyWebhookSignature.Verify(Body, FromOpenssl, [Secret]).Should().BeTrue();
        ShopifyWebhookSignature.Sign(Body, Secret).Should().Be(FromOpenssl);
    }

    [Fact]
    public void A_body_changed_by_one_byte_is_refused()
    {
        var signature = ShopifyWebhookSignature.Sign(Body, Secret);
        var tampered = Body.ToArray();
        tampered[^3] ^= 0x01; // "#9999" becomes "#9998": same length, one bit

        ShopifyWebhookSignature.Verify(tampered, signature, [Secret]).Should().BeFalse();
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused()
    {
        ShopifyWebhookSignature.Verify(Body, ShopifyWebhookSignature.Sign(Body, "not-the-app-secret"), [Secret]).Should().BeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_header_is_refused(string? header)
    {
        ShopifyWebhookSignature.Verify(Body, header, [Secret]).Should().BeFalse();
    }

    [Fact]
    public void A_header_that_is_not_base64_of_a_sha256_is_refused_without_throwing()
    {
        var signature = ShopifyWebhookSignature.Sign(Body, Secret);
        var hex = Convert.ToHexString(Convert.FromBase64String(signature)); // the right bytes, the wrong encoding

        ShopifyWebhookSignature.Verify(Body, "not base64 at all!", [Secret]).Should().BeFalse();
        ShopifyWebhookSignature.Verify(Body, hex, [Secret]).Should().BeFalse();
        ShopifyWebhookSignature.Verify(Body, signature[..^4], [Secret]).Should().BeFalse("a truncated signature decodes to fewer than 32 bytes");
        ShopifyWebhookSignature.Verify(Body, Convert.ToBase64String(new byte[33]), [Secret]).Should().BeFalse();
    }

    [Fact]
    public void During_a_secret_rotation_the_old_and_the_new_secret_both_sign_and_no_other_does()
    {
        IReadOnlyList<string> secrets = ["new-client-secret", "old-client-secret"];

        ShopifyWebhookSignature.Verify(Body, ShopifyWebhookSignature.Sign(Body, "new-client-secret"), secrets).Should().BeTrue();
        ShopifyWebhookSignature.Verify(Body, ShopifyWebhookSignature.Sign(Body, "old-client-secret"), secrets).Should().BeTrue();
        ShopifyWebhookSignature.Verify(Body, ShopifyWebhookSignature.Sign(Body, "unrelated-secret"), secrets).Should().BeFalse();
    }

    [Fact]
    public void The_signature_is_over_the_raw_bytes_even_when_they_are_not_utf8()
    {
        byte[] body = [.. "{\"name\":\""u8, 0xFF, 0xFE, .. "\"}"u8];
        var signature = ShopifyWebhookSignature.Sign(body, Secret);
        // What a receiver that decoded the text first (replacing the bad bytes) would have checked instead.
        var reencoded = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body));

        ShopifyWebhookSignature.Verify(body, signature, [Secret]).Should().BeTrue();
        ShopifyWebhookSignature.Verify(reencoded, signature, [Secret]).Should().BeFalse();
    }
}

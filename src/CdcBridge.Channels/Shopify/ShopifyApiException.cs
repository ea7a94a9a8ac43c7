namespace CdcBridge.Channels.Shopify;

/// <summary>
/// A Shopify call that failed. <see cref="IsPermanent"/>: retrying the same request cannot help (bad token, unknown
/// endpoint, GraphQL errors such as BAD_REQUEST, INVALID_FIELD_ARGUMENTS, INVALID_VARIABLE, undefinedField); otherwise
/// the failure was transient (5xx, 429, network, timeout, open circuit) and retries were exhausted.
/// </summary>
public sealed class ShopifyApiException : Exception
{
    public ShopifyApiException()
    {
    }

    public ShopifyApiException(string message)
        : base(message)
    {
    }

    public ShopifyApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ShopifyApiException(string message, string? code, bool isPermanent, int? httpStatus = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        IsPermanent = isPermanent;
        HttpStatus = httpStatus;
        RetryAfter = retryAfter;
    }

    /// <summary>The GraphQL error code (<c>extensions.code</c>) or a client-side one (HTTP_503, TIMEOUT, NETWORK, CIRCUIT_OPEN).</summary>
    public string? Code { get; }

    public bool IsPermanent { get; }

    public int? HttpStatus { get; }

    /// <summary>A 429's Retry-After.</summary>
    public TimeSpan? RetryAfter { get; }
}

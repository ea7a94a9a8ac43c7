namespace CdcBridge.Channels.Dispatch;

/// <summary>What one store's dispatcher has done, for the status view.</summary>
public sealed record ShopifyDispatcherStatus(
    string ShopDomain,
    long Calls,
    long QuantitiesSet,
    long StaleRetries,
    long Parked,
    long NotInStore,
    double? LastCommitToShopifyMilliseconds,
    DateTimeOffset? LastCallAt,
    string? LastError);

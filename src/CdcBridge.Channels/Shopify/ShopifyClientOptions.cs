namespace CdcBridge.Channels.Shopify;

/// <summary>Retries, circuit breaker, timeouts and pacing of a <see cref="ShopifyInventoryClient"/>.</summary>
public sealed record ShopifyClientOptions
{
    /// <summary>Retries of one logical call after transient failures (5xx, 429, network, timeout); the idempotency key stays the same.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>First retry delay; doubles per retry, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One HTTP attempt's timeout (sending and reading the answer; not the wait for the bucket).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The circuit opens when this share of attempts fails transiently within <see cref="CircuitSamplingDuration"/>...</summary>
    public double CircuitFailureRatio { get; init; } = 0.5;

    /// <summary>...and at least this many attempts were made in that window.</summary>
    public int CircuitMinimumThroughput { get; init; } = 10;

    public TimeSpan CircuitSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before letting one through.</summary>
    public TimeSpan CircuitBreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>At most this much random time is added to a wait after a THROTTLED answer.</summary>
    public TimeSpan ThrottleJitter { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>THROTTLED answers in a row for one call before it fails as transient.</summary>
    public int MaxThrottledInARow { get; init; } = 20;

    /// <summary>SKUs per productVariants search (joined with OR).</summary>
    public int SkusPerSearch { get; init; } = 50;

    /// <summary>The store's plan, if known: seeds the cost bucket estimate before the first answer reports it.</summary>
    public ShopifyStorePlan? Plan { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

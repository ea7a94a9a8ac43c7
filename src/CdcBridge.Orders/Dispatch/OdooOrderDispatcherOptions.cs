namespace CdcBridge.Orders.Dispatch;

public sealed record OdooOrderDispatcherOptions
{
    /// <summary>Orders written at the same time. Odoo's own request rate and in-flight limits are the client's throttle.</summary>
    public int MaxConcurrentOrders { get; init; } = 4;

    /// <summary>The first retry's delay after a transient failure; it doubles per attempt (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Looks at the ledger this often even without a notification (one lost with a connection).</summary>
    public TimeSpan IdleWake { get; init; } = TimeSpan.FromSeconds(5);
}

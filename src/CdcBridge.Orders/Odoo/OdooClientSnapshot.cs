namespace CdcBridge.Orders.Odoo;

/// <summary>What the Odoo client has done since it started, for status pages.</summary>
/// <param name="RequestsSent">HTTP requests sent (every attempt, the login included).</param>
/// <param name="Retries">Attempts made again after a transient failure.</param>
/// <param name="Failures">Calls that failed for good.</param>
/// <param name="InFlight">Requests under way now.</param>
/// <param name="ThrottleWait">Time spent waiting for throttle tokens.</param>
/// <param name="LastError">The error name of the last failed attempt (never its message, which may carry data).</param>
public sealed record OdooClientSnapshot(long RequestsSent, long Retries, long Failures, int InFlight, TimeSpan ThrottleWait, string? LastError);

using System.Globalization;
using System.Text;

namespace CdcBridge.Orders.Odoo;

/// <summary>
/// Where Odoo is, who we are there, and how hard we may push it. Odoo has no rate limit of its own (odoo.md §4: a
/// worker serves about 6 transactions per second), so the client throttles: a token bucket of
/// <see cref="RequestsPerSecond"/> refilled continuously and holding <see cref="Burst"/> tokens, and at most
/// <see cref="MaxInFlight"/> requests at a time. The password never appears in <see cref="ToString"/>.
/// </summary>
public sealed record OdooConnectionOptions
{
    /// <summary>Odoo's base URL, e.g. <c>https://erp.example.com</c>; JSON-RPC is at <c>{Url}/jsonrpc</c>.</summary>
    public required Uri Url { get; init; }

    public required string Database { get; init; }

    public required string Login { get; init; }

    /// <summary>
    /// The password or an API key (execute_kw accepts both; odoo.md §3.2). With <see cref="OdooApi.Json2"/> it must be an
    /// API key: it is sent as <c>Authorization: bearer &lt;key&gt;</c>, and <see cref="Login"/> is not sent at all.
    /// </summary>
    public required string Password { get; init; }

    /// <summary>Which external API to speak: JSON-RPC (the default) or Odoo 19's JSON-2.</summary>
    public OdooApi Api { get; init; } = OdooApi.JsonRpc;

    /// <summary>Sustained request rate (every HTTP request counts, retries and the login included).</summary>
    public double RequestsPerSecond { get; init; } = 20;

    /// <summary>Token bucket size: how many requests may go at once after a quiet spell.</summary>
    public int Burst { get; init; } = 5;

    /// <summary>Requests at a time; Odoo holds a worker and a database connection for each.</summary>
    public int MaxInFlight { get; init; } = 4;

    /// <summary>One HTTP attempt's timeout (sending and reading the answer, not the wait for the throttle).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of one call in all (the first included) while failures are transient.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>First retry delay; doubles per retry, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The JSON-RPC endpoint, <c>{Url}/jsonrpc</c>.</summary>
    public Uri JsonRpcEndpoint => new(Url.ToString().TrimEnd('/') + "/jsonrpc");

    /// <summary>A JSON-2 endpoint, <c>{Url}/json/2/{model}/{method}</c>.</summary>
    public Uri Json2Endpoint(string model, string method) =>
        new(Url.ToString().TrimEnd('/') + "/json/2/" + Uri.EscapeDataString(model) + "/" + Uri.EscapeDataString(method));

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Url);
        if (!Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The Odoo URL must be an absolute http(s) URL, not '{Url}'.", nameof(Url));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Database);
        ArgumentException.ThrowIfNullOrWhiteSpace(Login);
        ArgumentException.ThrowIfNullOrEmpty(Password);
        if (!Enum.IsDefined(Api))
        {
            throw new ArgumentOutOfRangeException(nameof(Api), Api, "Unknown Odoo API.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RequestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Burst);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxInFlight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxAttempts);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, RetryBaseDelay);
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"Url = {Url}, Api = {Api}, Database = {Database}, Login = {Login}, Password = ***, RequestsPerSecond = {RequestsPerSecond}, Burst = {Burst}, MaxInFlight = {MaxInFlight}");
        return true;
    }
}

using System.Diagnostics;
using System.Net;
using CdcBridge.DevStack.Shopify;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>
/// A loopback HTTP endpoint standing in for the webhook receiver: records every request (headers, raw body bytes, when
/// it arrived) and answers each with the status its script gives for the request's index (0, 1, ...).
/// <see cref="Hang"/> holds the request open until the sender gives up; a 3xx carries a Location to another path.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public const int Hang = 0;

    public const string Path = "/webhooks/shopify";

    private readonly object _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly Func<int, int> _script;
    private readonly WebApplication _app;

    private WebhookReceiver(Func<int, int> script)
    {
        _script = script;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IHostLifetime, SimulatorHostLifetime>();
        _app = builder.Build();
        _app.Run(ReceiveAsync);
    }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync(Func<int, int> script, CancellationToken ct)
    {
        var receiver = new WebhookReceiver(script);
        await receiver._app.StartAsync(ct);
        var url = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Address = new Uri(url.TrimEnd('/') + Path);
        return receiver;
    }

    /// <summary>Answers the given statuses in turn, then 200.</summary>
    public static Task<WebhookReceiver> StartAsync(CancellationToken ct, params int[] statuses) =>
        StartAsync(i => i < statuses.Length ? statuses[i] : 200, ct);

    /// <summary>Completes once at least <paramref name="count"/> requests arrived, with all of them.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForCountAsync(int count, CancellationToken ct)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_received.Count >= count)
            {
                return [.. _received];
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
        }

        await done.Task.WaitAsync(ct);
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        int status;
        List<TaskCompletionSource> ready;
        lock (_gate)
        {
            status = _script(_received.Count);
            _received.Add(new ReceivedWebhook(context.Request.Method, context.Request.Path.Value ?? "", headers, body.ToArray(), arrived, status));
            ready = [.. _waiters.Where(w => _received.Count >= w.Count).Select(w => w.Done)];
            _waiters.RemoveAll(w => _received.Count >= w.Count);
        }

        foreach (var waiter in ready)
        {
            waiter.TrySetResult();
        }

        if (status == Hang)
        {
            // Held until the sender times out and drops the connection.
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        context.Response.StatusCode = status;
        if (status is >= 300 and <= 399)
        {
            context.Response.Headers.Location = "/moved";
        }
    }
}

/// <summary>One request as the receiver got it; <see cref="ArrivedAt"/> is a <see cref="Stopwatch"/> timestamp.</summary>
internal sealed record ReceivedWebhook(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, long ArrivedAt, int AnsweredStatus)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No {name} header.");
}

using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Kestrel in front of a <see cref="ShopifyWebhookReceiver"/>: <c>POST {basePath}/shopify</c>, the raw body read up to the
/// receiver's limit (never more: a larger body is answered 413 unread), the answer a small JSON body naming the outcome
/// (<c>{"outcome":"accepted"}</c>) and, for anything but acceptance, the reason, never the payload. Plain HTTP: TLS ends
/// in front of the sidecar. The server does not own the receiver: dispose the server first, then the receiver.
/// </summary>
public sealed partial class WebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private WebhookServer(WebApplication app) => _app = app;

    /// <summary>The base URL with the base path, e.g. <c>http://127.0.0.1:41234/webhooks</c>; Shopify posts to <c>{Url}/shopify</c>.</summary>
    public string Url { get; private set; } = "";

    /// <param name="listenUrl"><c>http://HOST:PORT</c>, an IP address (or localhost) and a port, 0 for any free one.</param>
    /// <param name="basePath">The path before <c>/shopify</c>, e.g. <c>/webhooks</c>; empty for none.</param>
    public static async Task<WebhookServer> StartAsync(string listenUrl, string basePath, ShopifyWebhookReceiver receiver, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listenUrl);
        ArgumentNullException.ThrowIfNull(basePath);
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var endpoint = ListenEndpoint(listenUrl);
        var path = basePath.Trim().Trim('/') is { Length: > 0 } trimmed ? "/" + trimmed : "";
        var logger = loggerFactory.CreateLogger<WebhookServer>();

        // The empty builder reads no appsettings.json or environment: the host's own Kestrel settings must not add endpoints here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(WebhookServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(endpoint);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var app = builder.Build();
        app.UseRouting();
        app.MapPost($"{path}/shopify", context => HandleAsync(context, receiver, logger));

        var server = new WebhookServer(app);
        try
        {
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            server.Url = address.TrimEnd('/') + path;
            LogStarted(logger, server.Url);
            return server;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static async Task HandleAsync(HttpContext context, ShopifyWebhookReceiver receiver, ILogger logger)
    {
        var ct = context.RequestAborted;
        WebhookResponse response;
        try
        {
            var body = await ReadBodyAsync(context.Request, receiver.Options.MaxBodyBytes, ct);
            var request = WebhookRequest.FromHeaders(name => context.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null, body);
            response = await receiver.AcceptAsync(request, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // Shopify hung up (its 5 s timeout); it retries, and nothing was logged as accepted
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException)
        {
            LogBodyUnreadable(logger, e.GetType().Name);
            response = new WebhookResponse(400, WebhookOutcome.Rejected, "The body could not be read.");
        }

        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = "application/json";
        var json = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("outcome", response.OutcomeName);
            if (response.Reason is not null)
            {
                writer.WriteString("reason", response.Reason);
            }

            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(json.WrittenMemory, ct);
    }

    /// <summary>
    /// At most <paramref name="max"/> + 1 bytes: enough for the receiver to see a body is too large without buffering all of
    /// it, whatever Content-Length claims.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, long max, CancellationToken ct)
    {
        var limit = (int)Math.Min(max + 1, int.MaxValue);
        var expected = request.ContentLength is { } length && length < limit ? (int)length : Math.Min(limit, 64 * 1024);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(expected, 1));
        while (buffer.WrittenCount < limit)
        {
            var room = buffer.GetMemory(Math.Min(16 * 1024, limit - buffer.WrittenCount));
            var read = await request.Body.ReadAsync(room[..Math.Min(room.Length, limit - buffer.WrittenCount)], ct);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
        }

        return buffer.WrittenMemory;
    }

    private static IPEndPoint ListenEndpoint(string listenUrl)
    {
        if (!Uri.TryCreate(listenUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"'{listenUrl}' is not an http://HOST:PORT URL (TLS ends in front of the sidecar).", nameof(listenUrl));
        }

        var address = uri.IsLoopback && !IPAddress.TryParse(uri.Host, out _) ? IPAddress.Loopback
            : IPAddress.TryParse(uri.Host, out var ip) ? ip
            : throw new ArgumentException($"'{listenUrl}' must name an IP address or localhost to listen on.", nameof(listenUrl));
        return new IPEndPoint(address, uri.Port);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shopify webhook receiver listening on {Url}/shopify")]
    private static partial void LogStarted(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook body could not be read ({Error}); answered 400")]
    private static partial void LogBodyUnreadable(ILogger logger, string error);

    /// <summary>No console lifetime: the sidecar's host, not this listener, owns Ctrl+C and shutdown.</summary>
    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

using System.Globalization;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Orders.Writer;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;
using static CdcBridge.Orders.OrdersMetrics;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Takes Shopify order webhooks onto the intake topic. Checks, in order: body size (413), HMAC over the raw bytes
/// (401), the identifying headers (400), the topic (orders/create, orders/updated and orders/cancelled go on; any other
/// authentic topic is parked and answered 200), the payload (400, the authentic body kept in orders.parked_webhooks); then the delivery is produced once per webhook id
/// (<see cref="WebhookDeliveryLog"/>): 200 when on the topic or already there, 503 when Kafka, the registry or the
/// database failed, so that Shopify retries (8 times over 4 hours, with the original payload). Given a variant resolver,
/// lines that came without SKU get the variant's SKU in <c>resolved_sku</c> first (<see cref="IntakeSkuLookup"/>).
/// </summary>
public sealed partial class ShopifyWebhookReceiver : IAsyncDisposable
{
    private const string RefundsCreate = "refunds/create";

    private readonly IntakeProducer _producer;
    private readonly NpgsqlDataSource _database;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IntakeSkuLookup? _skus;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public ShopifyWebhookReceiver(
        ShopifyWebhookOptions options,
        string kafkaBootstrap,
        ISchemaRegistryClient registry,
        string sidecarConnectionString,
        ILogger logger,
        TimeProvider? time = null,
        IVariantSkuResolver? variantSkus = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(kafkaBootstrap);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrWhiteSpace(sidecarConnectionString);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        Options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _skus = variantSkus is null ? null : new IntakeSkuLookup(variantSkus, options.SkuLookupBudget, logger);
        _database = NpgsqlDataSource.Create(sidecarConnectionString);
        _producer = new IntakeProducer(kafkaBootstrap, registry, options.IntakeTopic, options.ProduceTimeout, logger);
    }

    public ShopifyWebhookOptions Options { get; }

    public async Task<WebhookResponse> AcceptAsync(WebhookRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var response = await DecideAsync(request, ct);
        WebhookAcceptDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(Tags.Outcome, response.OutcomeName));
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        _producer.Dispose();
        await _database.DisposeAsync();
        _schemaGate.Dispose();
    }

    private async Task<WebhookResponse> DecideAsync(WebhookRequest request, CancellationToken ct)
    {
        if (request.Body.Length > Options.MaxBodyBytes)
        {
            return Rejected(request, 413, RejectReasons.Size, $"The body exceeds {Options.MaxBodyBytes} bytes.");
        }

        // Before anything reads the body: only Shopify, holding a secret, can have sent what follows.
        if (!ShopifyWebhookSignature.Verify(request.Body.Span, request.HmacSha256, Options.Secrets))
        {
            return Rejected(request, 401, RejectReasons.Signature, $"The {ShopifyWebhookHeaders.HmacSha256} header is missing or does not match the body.");
        }

        // Checked before the topic: a parked delivery is keyed by its webhook id and shop too.
        var missing = string.IsNullOrWhiteSpace(request.ShopDomain) ? ShopifyWebhookHeaders.ShopDomain
            : string.IsNullOrWhiteSpace(request.WebhookId) ? ShopifyWebhookHeaders.WebhookId
            : string.IsNullOrWhiteSpace(request.Topic) ? ShopifyWebhookHeaders.Topic
            : null;
        if (missing is not null)
        {
            return Rejected(request, 400, RejectReasons.Headers, $"The {missing} header is missing.");
        }

        var delivery = new WebhookDelivery(
            request.WebhookId!.Trim(),
            string.IsNullOrWhiteSpace(request.EventId) ? null : request.EventId.Trim(),
            request.Topic!.Trim(),
            string.IsNullOrWhiteSpace(request.ApiVersion) ? null : request.ApiVersion.Trim(),
            TriggeredAt(request.TriggeredAt),
            ShopDomain(request.ShopDomain!),
            _time.GetUtcNow().UtcDateTime);
        if (ChannelOrderSchema.TopicSymbol(delivery.Topic) is null)
        {
            return await ParkAsync(delivery, request.Body, ct);
        }

        Dictionary<string, object?> record;
        try
        {
            record = ShopifyOrderPayload.Parse(request.Body, delivery);
        }
        catch (InvalidWebhookPayloadException e)
        {
            // Authentic, so Shopify really sent it: kept with the reason (nothing goes on the topic), so that a payload
            // change on Shopify's side shows in `cdcbridge status` instead of vanishing after Shopify's last retry.
            await KeepMalformedAsync(delivery, request.Body, e.Message, ct);
            return Rejected(request, 400, RejectReasons.Payload, e.Message);
        }

        var orderId = (long)record["order_id"]!;
        if (_skus is not null)
        {
            await _skus.FillAsync(record, ct);
        }

        byte[] value;
        try
        {
            value = await _producer.EncodeAsync(record);
        }
        catch (AvroTypeException)
        {
            // The parser checks every field against the schema, so this is a bug; the message (which may quote a value) is not logged.
            return Rejected(request, 400, RejectReasons.Payload, "The order does not fit retail.channel.order.v1.");
        }
        catch (Exception e) when ((e is HttpRequestException or SchemaRegistryException or TaskCanceledException) && !ct.IsCancellationRequested)
        {
            return Unavailable(delivery, RejectReasons.Registry, e);
        }

        TopicPartitionOffset? landed;
        try
        {
            await EnsureSchemaAsync(ct);
            var key = IntakeProducer.Key(delivery.ShopDomain, orderId);
            // Not cancelled with the request: once produced, the record must be logged, or Shopify's retry would add a second.
            landed = await WebhookDeliveryLog.RecordOnceAsync(_database, delivery, orderId, () => _producer.ProduceAsync(key, value, CancellationToken.None), ct);
        }
        catch (KafkaException e)
        {
            return Unavailable(delivery, RejectReasons.Kafka, e);
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            return Unavailable(delivery, RejectReasons.Database, e);
        }

        var topicTag = new KeyValuePair<string, object?>(Tags.Topic, delivery.Topic);
        if (landed is null)
        {
            WebhooksDuplicate.Add(1, topicTag);
            LogDuplicate(_logger, delivery.WebhookId, delivery.Topic, delivery.ShopDomain, orderId);
            return new WebhookResponse(200, WebhookOutcome.Duplicate, "This webhook id was accepted before.");
        }

        WebhooksAccepted.Add(1, topicTag);
        LogAccepted(_logger, delivery.Topic, delivery.WebhookId, delivery.ShopDomain, orderId, landed.Partition.Value, landed.Offset.Value);
        return new WebhookResponse(200, WebhookOutcome.Accepted);
    }

    private async Task<WebhookResponse> ParkAsync(WebhookDelivery delivery, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var reason = delivery.Topic == RefundsCreate
            ? "refunds/create is not handled yet: refunds arrive in a later release; kept here for replay"
            : $"{delivery.Topic} is not a topic the order intake handles; kept here for replay";
        try
        {
            await EnsureSchemaAsync(ct);
            await using var connection = await _database.OpenConnectionAsync(ct);
            var parked = new ParkedWebhook(delivery.WebhookId, delivery.ShopDomain, delivery.Topic, delivery.ReceivedAt, reason, body);
            if (await ParkedWebhooks.ParkAsync(connection, parked, ct))
            {
                WebhooksParked.Add(1, new KeyValuePair<string, object?>(Tags.Topic, delivery.Topic));
                LogParked(_logger, delivery.Topic, delivery.WebhookId, delivery.ShopDomain, reason);
            }
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            return Unavailable(delivery, RejectReasons.Database, e);
        }

        return new WebhookResponse(200, WebhookOutcome.Parked, reason);
    }

    private async Task KeepMalformedAsync(WebhookDelivery delivery, ReadOnlyMemory<byte> body, string problem, CancellationToken ct)
    {
        try
        {
            await EnsureSchemaAsync(ct);
            await using var connection = await _database.OpenConnectionAsync(ct);
            var reason = $"{delivery.Topic} could not be read as an order ({problem}); answered 400, kept here for inspection";
            if (await ParkedWebhooks.ParkAsync(connection, new ParkedWebhook(delivery.WebhookId, delivery.ShopDomain, delivery.Topic, delivery.ReceivedAt, reason, body), ct))
            {
                WebhooksParked.Add(1, new KeyValuePair<string, object?>(Tags.Topic, delivery.Topic));
                LogParked(_logger, delivery.Topic, delivery.WebhookId, delivery.ShopDomain, reason);
            }
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            // The 400 stands: Shopify retries the delivery, and a later attempt can keep it.
            LogUnavailable(_logger, e, delivery.WebhookId, delivery.ShopDomain, RejectReasons.Database);
        }
    }

    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(ct);
        try
        {
            if (!_schemaReady)
            {
                await using var connection = await _database.OpenConnectionAsync(ct);
                await WebhookDeliveryLog.EnsureSchemaAsync(connection, ct);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private WebhookResponse Rejected(WebhookRequest request, int status, string reason, string detail)
    {
        WebhooksRejected.Add(1, new KeyValuePair<string, object?>(Tags.Reason, reason));
        LogRejected(_logger, request.WebhookId, request.ShopDomain, status, reason, detail);
        return new WebhookResponse(status, WebhookOutcome.Rejected, detail);
    }

    private WebhookResponse Unavailable(WebhookDelivery delivery, string reason, Exception e)
    {
        WebhooksRejected.Add(1, new KeyValuePair<string, object?>(Tags.Reason, reason));
        LogUnavailable(_logger, e, delivery.WebhookId, delivery.ShopDomain, reason);
        return new WebhookResponse(503, WebhookOutcome.Unavailable, $"The intake is unavailable ({reason}); retry later.");
    }

    // The permanent myshopify domain, lower case as the schema has it.
    private static string ShopDomain(string header) => header.Trim().ToLowerInvariant();

    // Informational: an unreadable value is dropped (null) rather than refusing the order.
    private static DateTime? TriggeredAt(string? header) =>
        DateTimeOffset.TryParse(header, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {Topic} webhook {WebhookId} from {Shop}: order {OrderId} at partition {Partition} offset {Offset}")]
    private static partial void LogAccepted(ILogger logger, string topic, string webhookId, string shop, long orderId, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} ({Topic}) from {Shop} for order {OrderId} was accepted before; nothing produced")]
    private static partial void LogDuplicate(ILogger logger, string webhookId, string topic, string shop, long orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Parked {Topic} webhook {WebhookId} from {Shop}: {Reason}")]
    private static partial void LogParked(ILogger logger, string topic, string webhookId, string shop, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected webhook {WebhookId} from {Shop} with {Status} ({Reason}): {Detail}")]
    private static partial void LogRejected(ILogger logger, string? webhookId, string? shop, int status, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} from {Shop} answered 503 ({Reason}); Shopify will retry")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string webhookId, string shop, string reason);
}

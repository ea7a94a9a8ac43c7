using CdcBridge.Avro.Generic;
using CdcBridge.Channels.Outbox;
using CdcBridge.Orders.Lifecycle;
using CdcBridge.Projections;
using Npgsql;

namespace CdcBridge.Orders.Ledger;

/// <summary>
/// Folds the intake topic into <see cref="ChannelOrderLedger"/>: per order the newest record by Shopify's
/// <c>updated_at</c> (deliveries arrive unordered and at least once, so an older or repeated one changes nothing), and
/// a cancellation moves the order out of the writer's way or on to cancelling. A new order's RECEIVED stage (and
/// CANCELLED for one cancelled before it was written) goes to the lifecycle topic in the same transaction.
/// </summary>
public sealed class OrderIntakeProjector(string intakeTopic, OrderLifecycleJournal journal, TimeProvider? time = null) : IProjector
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Name => "orders-intake";

    public IReadOnlyList<string> Topics { get; } = [intakeTopic];

    public async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await ChannelsSchema.EnsureAsync(connection, ct);
        await ChannelOrderLedger.EnsureAsync(connection, ct);
    }

    /// <summary>
    /// Keeps the ledger: it records what was done in Odoo, which a rebuild from the topic cannot recompute. Reading the
    /// topic again changes nothing, since a record no newer than the row's is ignored.
    /// </summary>
    public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;

    public Task LoadAsync(NpgsqlConnection connection, CancellationToken ct) => Task.CompletedTask;

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var versions = new List<(ConsumedRecord Record, IntakeVersion Version)>();
        foreach (var record in batch.Records)
        {
            if (record.Value is null)
            {
                continue; // a tombstone: the intake topic never deletes
            }

            try
            {
                versions.Add((record, IntakeVersion.Read(record.Value)));
            }
            catch (InvalidDataException e)
            {
                batch.Park(record, e.Message);
            }
        }

        if (versions.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var held = await ChannelOrderLedger.LockAsync(batch.Connection, batch.Transaction,
            versions.Select(v => (v.Version.ShopDomain, v.Version.OrderId)).Distinct().ToList(), ct);
        var stages = new List<OrderLifecycleEvent>();
        var changed = new Dictionary<(string, long), LedgerEntry>();
        foreach (var (record, v) in versions)
        {
            var key = (v.ShopDomain, v.OrderId);
            var current = changed.GetValueOrDefault(key) ?? held.GetValueOrDefault(key);
            var next = Fold(current, v, record.RawValue!, stages);
            if (next is not null)
            {
                changed[key] = next;
            }
        }

        foreach (var entry in changed.Values)
        {
            await ChannelOrderLedger.UpsertAsync(batch.Connection, batch.Transaction, entry, now, ct);
        }

        if (changed.Count > 0)
        {
            await ChannelOrderLedger.NotifyAsync(batch.Connection, batch.Transaction, ct);
        }

        await journal.AppendAsync(batch.Connection, batch.Transaction, stages, ct);
    }

    public void Committed(ProjectionBatch batch)
    {
    }

    /// <summary>The ledger row after one more delivery, or null when it changes nothing.</summary>
    private static LedgerEntry? Fold(LedgerEntry? current, IntakeVersion v, byte[] raw, List<OrderLifecycleEvent> stages)
    {
        if (current is null)
        {
            var status = v.Cancelled ? OrderStatus.Skipped : OrderStatus.Pending;
            var entry = new LedgerEntry(v.ShopDomain, v.OrderId, v.Name, status, v.Cancelled, v.UpdatedAt, v.ReceivedAt, v.CreatedAt, v.WebhookId, raw,
                0, null, null, null, null);
            stages.Add(Stage(entry, OrderStage.Received, v.ReceivedAt, v.WebhookId));
            if (v.Cancelled)
            {
                stages.Add(Stage(entry, OrderStage.Cancelled, v.ReceivedAt, v.WebhookId));
            }

            return entry;
        }

        var newer = v.UpdatedAt > current.UpdatedAt;
        var cancels = v.Cancelled && !current.Cancelled;
        if (!newer && !cancels)
        {
            return null; // a repeat or an older delivery
        }

        var next = current with
        {
            Cancelled = current.Cancelled || v.Cancelled,
            Status = cancels ? OrderStatus.AfterCancellation(current.Status)
                // A newer description of a parked order (an edit in Shopify) may be what fixes it: try it again.
                : current.Status == OrderStatus.Parked ? OrderStatus.Pending : current.Status,
        };
        if (newer)
        {
            next = next with { Name = v.Name, UpdatedAt = v.UpdatedAt, WebhookId = v.WebhookId, RecordValue = raw };
        }

        if (cancels && next.Status == OrderStatus.Skipped)
        {
            stages.Add(Stage(next, OrderStage.Cancelled, v.ReceivedAt, v.WebhookId));
        }

        return next;
    }

    private static OrderLifecycleEvent Stage(LedgerEntry entry, OrderStage stage, DateTime at, string? webhookId) =>
        new(entry.ShopDomain, entry.OrderId, entry.Name, stage, entry.ReceivedAt, at, entry.Attempts)
        {
            ChannelCreatedAt = entry.ChannelCreatedAt,
            WebhookId = webhookId,
        };

    /// <summary>What the ledger needs of one retail.channel.order.v1 record.</summary>
    private sealed record IntakeVersion(string ShopDomain, long OrderId, string Name, bool Cancelled, DateTime UpdatedAt, DateTime ReceivedAt,
        DateTime CreatedAt, string WebhookId)
    {
        public static IntakeVersion Read(object value)
        {
            if (value is not GenericRecord r || r.Schema.FullName != "retail.channel.ChannelOrder")
            {
                throw new InvalidDataException($"Not a retail.channel.ChannelOrder value ({(value as GenericRecord)?.Schema.FullName ?? value.GetType().Name}).");
            }

            return new IntakeVersion((string)r["shop_domain"]!, (long)r["order_id"]!, (string)r["name"]!,
                r["topic"]?.ToString() == "ORDERS_CANCELLED" || r["cancelled_at"] is not null,
                (DateTime)r["updated_at"]!, (DateTime)r["received_at"]!, (DateTime)r["created_at"]!, (string)r["webhook_id"]!);
        }
    }
}

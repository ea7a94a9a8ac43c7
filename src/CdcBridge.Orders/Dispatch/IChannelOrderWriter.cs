using CdcBridge.Orders.Writer;

namespace CdcBridge.Orders.Dispatch;

/// <summary>What the dispatcher needs of the Odoo side: an idempotent create-and-confirm and a cancel.</summary>
public interface IChannelOrderWriter
{
    /// <summary>Creates and confirms the order in Odoo exactly once, whatever was done before.</summary>
    Task<OdooOrderOutcome> WriteAsync(IntakeOrder order, CancellationToken ct);

    /// <summary>Cancels the order in Odoo; null when Odoo does not hold it.</summary>
    Task<OdooOrderOutcome?> CancelAsync(IntakeOrder order, CancellationToken ct);
}

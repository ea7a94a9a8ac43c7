using CdcBridge.Orders.Odoo;

namespace CdcBridge.Orders.Writer;

/// <summary>How a failed <c>load</c> becomes an <see cref="OrderWriteException"/>.</summary>
internal static class OrderWriteFailures
{
    /// <summary>Data errors are permanent; races still lost after every attempt are transient (a later attempt finds the winner's record).</summary>
    public static OrderWriteException Load(OdooLoadResult load, string what) =>
        new(load.LostRace
                ? $"Odoo kept refusing {what} as concurrent writes collided: {Redaction.Redact(load.Describe())}"
                : $"Odoo refused {what}: {Redaction.Redact(load.Describe())}",
            isPermanent: !load.LostRace);
}

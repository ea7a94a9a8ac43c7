namespace CdcBridge.Orders.Lifecycle;

/// <summary>The stages of retail.order.lifecycle.v1 (enum OrderStage of avro/retail.order.lifecycle.v1.avsc).</summary>
public enum OrderStage
{
    Received,
    Written,
    Confirmed,
    Cancelled,
    Parked,
}

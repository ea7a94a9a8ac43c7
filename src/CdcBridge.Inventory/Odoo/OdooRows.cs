namespace CdcBridge.Inventory.Odoo;

// The columns of Odoo 17's tables that availability reads, one record per table (decimals in the product's UoM).

/// <summary>stock_quant: on hand and reserved of one (product, location, lot, package, owner); Odoo may hold several rows per key.</summary>
public sealed record QuantRow(int Id, int ProductId, int LocationId, int? LotId, int? PackageId, int? OwnerId, decimal Quantity, decimal Reserved);

/// <summary>stock_move: demand (product_qty, product UoM) from a location to another; <c>Quantity</c> is what its lines reserve or picked.</summary>
public sealed record MoveRow(int Id, int ProductId, int LocationId, int LocationDestId, decimal ProductQty, decimal Quantity, string State, int? SaleLineId);

public sealed record LocationRow(int Id, string? CompleteName, string Usage, string? ParentPath, int? WarehouseId, bool Active);

public sealed record WarehouseRow(int Id, string Code, string Name, int? LotStockId, int? ViewLocationId, bool Active);

public sealed record ProductRow(int Id, string? Sku, int TemplateId, bool Active);

/// <summary>product_template: <c>Type</c> 'product' is storable (counted in quants); 'consu' and 'service' are not.</summary>
public sealed record TemplateRow(int Id, string Type, bool Active);

public sealed record SaleOrderRow(int Id, string Name, string? Origin, string? ClientOrderRef, string State);

public sealed record SaleLineRow(int Id, int OrderId, int? ProductId, decimal Quantity);

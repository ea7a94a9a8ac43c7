namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>Small Avro record schemas for registry tests, written the way clients send them.</summary>
internal static class TestSchemas
{
    /// <summary><c>{"type":"record","name":NAME,"fields":[...]}</c> with fields given as JSON.</summary>
    public static string Record(string name, params string[] fields) =>
        $$"""{"type":"record","name":"{{name}}","namespace":"test.registry","fields":[{{string.Join(",", fields)}}]}""";

    public static string Field(string name, string type) => $$"""{"name":"{{name}}","type":"{{type}}"}""";

    public static string Field(string name, string type, string defaultJson) =>
        $$"""{"name":"{{name}}","type":"{{type}}","default":{{defaultJson}}}""";

    /// <summary>Version 1 of an order: id and sku.</summary>
    public static string OrderV1 { get; } = Record("Order", Field("id", "long"), Field("sku", "string"));

    /// <summary>Version 1 plus a quantity with a default: backward and forward compatible with version 1.</summary>
    public static string OrderWithDefaultedQuantity { get; } =
        Record("Order", Field("id", "long"), Field("sku", "string"), Field("quantity", "int", "1"));

    /// <summary>Version 1 plus a quantity without a default: forward but not backward compatible with version 1.</summary>
    public static string OrderWithRequiredQuantity { get; } =
        Record("Order", Field("id", "long"), Field("sku", "string"), Field("quantity", "int"));

    /// <summary>Version 1 without sku: backward but not forward compatible with version 1 (sku has no default).</summary>
    public static string OrderWithoutSku { get; } = Record("Order", Field("id", "long"));

    /// <summary>A schema unrelated to the order, to tell ids apart.</summary>
    public static string Customer { get; } = Record("Customer", Field("id", "long"), Field("email", "string"));
}

namespace CdcBridge.Capture;

/// <summary>An incremental-snapshot chunk just read: its table (<c>schema.table</c>) and its rows' primary keys, in key order.</summary>
internal sealed record IncrementalChunk(string Table, IReadOnlyList<string> Keys);

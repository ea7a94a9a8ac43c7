namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>Fault injection, as <c>POST /_sim/faults</c> takes it; every part optional, parts add up.</summary>
public sealed record OdooSimFaults
{
    /// <summary>The next N object-service calls fail as Odoo answers once its own 5 tries are exhausted (nothing is written).</summary>
    public int? SerializationFailures { get; init; }

    /// <summary>Delay before every Odoo route answers (0 turns it off).</summary>
    public int? LatencyMs { get; init; }

    /// <summary>The next N requests answer this HTTP status (a proxy in front of a struggling Odoo).</summary>
    public OdooHttp5xxFault? Http5xx { get; init; }

    /// <summary>Odoo is down for a while: every request answers 502 (mode "502", nginx in front) or has its connection reset (mode "reset").</summary>
    public OdooDownFault? Down { get; init; }
}

public sealed record OdooHttp5xxFault(int Count, int Status = 503);

public sealed record OdooDownFault(double Seconds, string Mode = "502");

/// <summary>One request as the simulator saw it: when it arrived, what it called, how it ended and how long it took.</summary>
public sealed record OdooSimRequest(
    long Seq,
    DateTimeOffset At,
    string Path,
    string? Service,
    string? Model,
    string? Method,
    int HttpStatus,
    string Outcome,
    double DurationMs,
    int Tries,
    int InFlight);

namespace Gateway.LoadGen;

/// <summary>The load generator's command line, parsed (perf/LAB.md is the contract).</summary>
public sealed record LoadOptions
{
    public required Uri Url { get; init; }
    public LoadMode Mode { get; init; } = LoadMode.Closed;
    public int Connections { get; init; } = 64;
    public double Rate { get; init; }
    public IReadOnlyList<double> Rates { get; init; } = [];
    public IReadOnlyList<int> Concurrencies { get; init; } = [];
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>Closed loop: the run ends once this many requests were sent (0: only the duration ends it).</summary>
    public int Requests { get; init; }
    public int Pipeline { get; init; } = 1;
    public string? Method { get; init; }
    public byte[]? Body { get; init; }
    public IReadOnlyList<string> Headers { get; init; } = [];
    public bool Sse { get; init; }
    public string ConnectedMarker { get; init; } = "event: connected";
    public string FirstContentMarker { get; init; } = "event: text";
    public bool FirstContentAnywhere { get; init; }
    public string? Label { get; init; }
    public string? JsonPath { get; init; }
    public string? MarkdownPath { get; init; }
    public bool Quiet { get; init; }

    public string EffectiveMethod => Method ?? (Body is null ? "GET" : "POST");

    public string EffectiveLabel => Label ?? Url.AbsolutePath;

    /// <summary>A connection's scanner of event streams; null when the responses are not event streams.</summary>
    public SseScanner? NewScanner() => Sse ? new SseScanner(ConnectedMarker, FirstContentMarker, FirstContentAnywhere) : null;

    /// <summary>The steps this run measures, in order.</summary>
    public IReadOnlyList<LoadStep> Steps() => Mode switch
    {
        LoadMode.Open => [new LoadStep(true, Rate, Connections)],
        LoadMode.Closed => [new LoadStep(false, 0, Connections)],
        _ => Rates.Count > 0
            ? [.. Rates.Select(r => new LoadStep(true, r, Connections))]
            : [.. Concurrencies.Select(c => new LoadStep(false, 0, c))],
    };
}

namespace Gateway.LoadGen;

/// <summary>Everything measured in one step's window (warm-up excluded); the JSON and markdown reports print these.</summary>
public sealed record StepResult
{
    public required LoadStep Step { get; init; }
    public required int Pipeline { get; init; }
    public required double WarmupSeconds { get; init; }
    public required double DurationSeconds { get; init; }
    public required long Sent { get; init; }
    public required long Ok { get; init; }
    public required long Errors { get; init; }

    /// <summary>Error kind name (<c>timeout</c>, <c>status_503</c>, …) to count, sorted by name.</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> ErrorsByKind { get; init; }
    public required long Events { get; init; }
    public required long BytesReceived { get; init; }
    public required long PeakInFlight { get; init; }
    public required long PeakConnections { get; init; }

    /// <summary>Open loop: the latest a request was written after its scheduled time (the generator's own lag).</summary>
    public required double MaxDispatchLagMs { get; init; }

    /// <summary>From the window's start to the last response head of a request in it: with every request sent at once, the time to open them all.</summary>
    public required double LastHeadersMs { get; init; }
    public required IReadOnlyList<MetricSummary> Metrics { get; init; }

    /// <summary>The generator's own garbage collections during the step (warm-up included), by generation 0, 1, 2.</summary>
    public required IReadOnlyList<int> GcCollections { get; init; }

    /// <summary>Total time the generator's threads were paused by those collections.</summary>
    public required double GcPauseMs { get; init; }

    public double AchievedRate => Ok / DurationSeconds;

    public double AttemptedRate => (Sent + Overloaded) / DurationSeconds;

    public double EventsPerRequest => Ok == 0 ? 0 : (double)Events / Ok;

    public long Overloaded => ErrorsByKind.Where(e => e.Key == "overloaded").Sum(e => e.Value);
}

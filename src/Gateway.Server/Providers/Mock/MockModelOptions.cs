namespace Gateway.Server.Providers.Mock;

/// <summary>How the mock models answer (MOCK_MODELS and the MOCK_* variables).</summary>
internal sealed record MockModelOptions
{
    /// <summary>The model ids served; none means no mock provider.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Pieces of text in each answer.</summary>
    public int Tokens { get; init; } = 32;

    /// <summary>The wait before a turn's first piece (or its tool call).</summary>
    public TimeSpan TimeToFirstToken { get; init; } = TimeSpan.Zero;

    /// <summary>Pieces per second after the first; 0 pushes them all at once.</summary>
    public double TokensPerSecond { get; init; }

    /// <summary>The clock of every wait; tests step a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

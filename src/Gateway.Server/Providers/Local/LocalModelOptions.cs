namespace Gateway.Server.Providers.Local;

/// <summary>How the in-process models are served (MODELS_DIR and the LOCAL_* variables).</summary>
internal sealed record LocalModelOptions
{
    /// <summary>Where the <c>*.gguf</c> files are; a missing directory simply means no local models.</summary>
    public string ModelsDirectory { get; init; } = "models";

    /// <summary>Sequences (turns) one model decodes at once; more wait for <see cref="QueueTimeout"/>.</summary>
    public int MaxSequences { get; init; } = 8;

    /// <summary>Tokens one sequence may hold (prompt plus answer), capped at the model's training context.</summary>
    /// <remarks>The KV cache is reserved for <see cref="MaxSequences"/> × this many tokens when the model loads.</remarks>
    public int ContextSize { get; init; } = 2048;

    /// <summary>Most tokens one turn generates.</summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>llama.cpp's compute threads per model.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>How long a turn waits for a free sequence before it fails.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tokens per llama.cpp decode call (n_batch): longer prompts take several decode steps.</summary>
    public int BatchSize { get; init; } = 512;
}

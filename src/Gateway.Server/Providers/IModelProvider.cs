namespace Gateway.Server.Providers;

/// <summary>A source of models: a remote API or the in-process runtime.</summary>
internal interface IModelProvider
{
    /// <summary>A short name for logs, errors and the <c>name/model</c> prefix, e.g. "openai".</summary>
    string Name { get; }

    /// <summary>Whether it speaks OpenAI's chat completions, and so takes <see cref="TurnOptions.OpenAiFields"/> as they are.</summary>
    bool SpeaksOpenAi => false;

    /// <summary>Whether its models can call tools; the local runtime's cannot (they only ever answer with text).</summary>
    bool CallsTools => true;

    /// <summary>
    /// Whether its models can be held to a structured <see cref="TurnOptions.ResponseFormat"/> (JSON, a JSON Schema):
    /// OpenAI's APIs take one, the local runtime writes it as a grammar; others have no such control.
    /// </summary>
    bool ConstrainsOutput => false;

    /// <summary>
    /// Whether its models take images and binary documents (PDF); the local runtime's read text only, and get a textual
    /// document's text and a note in place of anything else.
    /// </summary>
    bool ReadsBinaryContent => true;

    /// <summary>
    /// Whether <see cref="Conversation.TokenUsage.InputTokens"/> leaves out the cached input counted in the cache fields
    /// (Anthropic's <c>input_tokens</c> do); OpenAI's <c>prompt_tokens</c>, and so the default, include it.
    /// </summary>
    bool CountsCachedInputApart => false;

    /// <summary>The API a turn is sent to, for a span's server.address and server.port; null for an in-process model.</summary>
    Uri? ServerUrl => null;

    /// <summary>
    /// The input tokens <paramref name="request"/> would take (a Messages client's count_tokens): counted where the
    /// provider can (the local tokenizer, Anthropic's own count), else <see cref="TokenEstimate"/>'s guess.
    /// </summary>
    /// <exception cref="HttpRequestException">The upstream could not count them; the message says why.</exception>
    Task<long> CountInputTokensAsync(ModelTurnRequest request, CancellationToken cancellationToken) => Task.FromResult(TokenEstimate.Of(request));

    /// <summary>The ids of the models this provider serves right now.</summary>
    Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Streams one model turn into <paramref name="sink"/> as it is decoded, flushing it whenever it must wait for more.
    /// Failures of the upstream are reported in-band as one <see cref="ITurnSink.Failed"/> that ends the turn, never as
    /// a silently short answer; cancellation aborts the upstream call and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken);
}

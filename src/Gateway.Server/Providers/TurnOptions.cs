using Gateway.Tools;

namespace Gateway.Server.Providers;

/// <summary>How one model call is sampled and bounded; everything unset leaves the provider's own default.</summary>
/// <remarks>
/// The agent loop sends <see cref="Default"/>; the API front doors fill these from the caller's request
/// (https://platform.openai.com/docs/api-reference/chat/create, https://docs.anthropic.com/en/api/messages) and each
/// provider writes them in its own terms.
/// </remarks>
internal sealed record TurnOptions
{
    public static TurnOptions Default { get; } = new();

    /// <summary>Sampling temperature, 0–2.</summary>
    public double? Temperature { get; init; }

    /// <summary>Nucleus sampling mass, 0–1.</summary>
    public double? TopP { get; init; }

    /// <summary>Sample only from this many likeliest tokens (Anthropic's <c>top_k</c>); only Anthropic's API takes it.</summary>
    public int? TopK { get; init; }

    /// <summary>The most tokens the answer may have.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>
    /// The caller named the limit <c>max_completion_tokens</c>, so an OpenAI-compatible upstream gets that name too:
    /// OpenAI's reasoning models refuse <c>max_tokens</c>, while older servers know only <c>max_tokens</c>.
    /// </summary>
    public bool MaxTokensNamedMaxCompletionTokens { get; init; }

    /// <summary>Text that ends the answer where it appears (not included); at most four, as OpenAI allows.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    public ToolChoice ToolChoice { get; init; }

    /// <summary>False asks for at most one tool call; null leaves the provider's default (parallel calls allowed).</summary>
    public bool? ParallelToolCalls { get; init; }

    /// <summary>Ask the model to reason first; null leaves reasoning to the provider's default (none for Anthropic).</summary>
    public ReasoningEffort? ReasoningEffort { get; init; }

    /// <summary>
    /// The form the answer's text must take, for providers that do not take <see cref="OpenAiFields"/> as they are
    /// (an OpenAI-compatible upstream gets the caller's <c>response_format</c> verbatim); null: free text.
    /// </summary>
    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>
    /// Anthropic's <c>thinking.budget_tokens</c> as a Messages caller gave it, spent within <see cref="MaxTokens"/>: the
    /// Anthropic provider sends it as it is, others go by <see cref="ReasoningEffort"/>, which the caller's budget also sets.
    /// </summary>
    public int? ThinkingBudget { get; init; }

    /// <summary>The caller's end-user id, forwarded for the upstream's abuse monitoring.</summary>
    public string? User { get; init; }

    /// <summary>
    /// OpenAI request fields the gateway does not interpret (<c>response_format</c>, <c>seed</c>, <c>reasoning_effort</c>, …),
    /// as the caller sent them; an OpenAI-compatible upstream gets them verbatim, other providers cannot honour them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, RawJson>> OpenAiFields { get; init; } = [];
}

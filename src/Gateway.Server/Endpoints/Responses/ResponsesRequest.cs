using Gateway.Server.Conversation;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>A validated <c>POST /v1/responses</c>: one model turn, how its answer is sent, and what the response echoes.</summary>
/// <param name="Model">The model as the caller named it, echoed in the response.</param>
/// <param name="Turn">The turn for <paramref name="Provider"/>, in its own model id: the instructions, then <paramref name="Conversation"/>.</param>
/// <param name="Conversation">The previous response's conversation, then this input: what a stored response continues with.</param>
/// <param name="Store">Keep the response for <c>previous_response_id</c>.</param>
internal sealed record ResponsesRequest(
    string Model, IModelProvider Provider, ModelTurnRequest Turn, IReadOnlyList<ChatMessage> Conversation, bool Stream, bool Store) : ITurnRequest
{
    /// <summary>The key the request presented, which owns the response when it is kept; null when no keys are configured.</summary>
    public ClientKey? Key { get; init; }

    public string? Instructions { get; init; }

    public string? PreviousResponseId { get; init; }

    public int? MaxOutputTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public bool ParallelToolCalls { get; init; } = true;

    public string? User { get; init; }

    /// <summary>The caller's <c>tools</c>, <c>tool_choice</c>, <c>text</c>, <c>reasoning</c> and <c>metadata</c> as sent; null when absent.</summary>
    public RawJson? Tools { get; init; }

    public RawJson? ToolChoice { get; init; }

    public RawJson? Text { get; init; }

    public RawJson? Reasoning { get; init; }

    public RawJson? Metadata { get; init; }
}

using System.Buffers;
using System.Text;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers;

/// <summary>One thing a model turn produced, in the order it arrived.</summary>
/// <param name="StatusCode">For an error: the HTTP status a caller of the gateway should see for it (see <see cref="Failed"/>).</param>
/// <param name="Index">For the tool-call kinds: which call of the turn, as the provider numbered them.</param>
/// <param name="Logprobs">
/// For a text delta from an OpenAI-compatible API asked for <c>logprobs</c>: the choice's <c>logprobs</c> object for
/// that text, as the JSON the API sent.
/// </param>
/// <param name="Item">For <see cref="ProviderEventKind.ReasoningItem"/>: the item.</param>
internal readonly record struct ProviderEvent(
    ProviderEventKind Kind, string? Text = null, ToolCallRequest? ToolCall = null, TokenUsage Usage = default, FinishReason Reason = default,
    int StatusCode = 0, int Index = 0, string? Logprobs = null, ReasoningItem? Item = null)
{
    public static ProviderEvent TextDelta(string text, string? logprobs = null) => new(ProviderEventKind.TextDelta, Text: text, Logprobs: logprobs);

    public static ProviderEvent ReasoningDelta(string text) => new(ProviderEventKind.ReasoningDelta, Text: text);

    public static ProviderEvent ReasoningCaptured(ReasoningItem item) => new(ProviderEventKind.ReasoningItem, Item: item);

    /// <summary>A call begins; <see cref="ToolCall"/> holds its id and name, with no arguments yet.</summary>
    public static ProviderEvent ToolCallStarted(int index, string id, string name) =>
        new(ProviderEventKind.ToolCallStart, ToolCall: new ToolCallRequest(id, name, RawJson.EmptyObject), Index: index);

    public static ProviderEvent ToolArgumentsDelta(int index, string text) => new(ProviderEventKind.ToolArguments, Text: text, Index: index);

    public static ProviderEvent ToolCalled(ToolCallRequest call, int index = 0) => new(ProviderEventKind.ToolCall, ToolCall: call, Index: index);

    public static ProviderEvent Finished(FinishReason reason) => new(ProviderEventKind.Finish, Reason: reason);

    public static ProviderEvent UsageReported(TokenUsage usage) => new(ProviderEventKind.Usage, Usage: usage);

    /// <param name="message">What went wrong, for the client's error event (status and a body excerpt for HTTP failures).</param>
    /// <param name="statusCode">
    /// The status an HTTP front door answers with (the OpenAI-compatible endpoint): 502 by default (the upstream
    /// failed or misbehaved), 504 when it sent nothing in time, 429 when it kept refusing for rate limits, the
    /// upstream's own 4xx when it refused the request itself, 400/503 for a local model's refusals.
    /// </param>
    public static ProviderEvent Failed(string message, int statusCode = 502) => new(ProviderEventKind.Error, Text: message, StatusCode: statusCode);

    /// <summary>Pushes this event into <paramref name="sink"/> (for providers that hold their events as values: the local runtime's queue).</summary>
    public void Deliver(ITurnSink sink)
    {
        switch (Kind)
        {
            case ProviderEventKind.TextDelta:
            case ProviderEventKind.ReasoningDelta:
                DeliverText(sink);
                break;
            case ProviderEventKind.ReasoningItem:
                sink.ReasoningItem(Item!);
                break;
            case ProviderEventKind.ToolCallStart:
                sink.ToolCallStarted(Index, ToolCall!.Id, ToolCall.Name);
                break;
            case ProviderEventKind.ToolArguments:
                sink.ToolArguments(Index, Text!);
                break;
            case ProviderEventKind.ToolCall:
                sink.ToolCalled(ToolCall!, Index);
                break;
            case ProviderEventKind.Finish:
                sink.Finished(Reason);
                break;
            case ProviderEventKind.Usage:
                sink.Usage(Usage);
                break;
            case ProviderEventKind.Error:
                sink.Failed(Text!, StatusCode);
                break;
        }
    }

    private void DeliverText(ITurnSink sink)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(Text!.Length));
        var text = utf8.AsSpan(0, Encoding.UTF8.GetBytes(Text, utf8));
        if (Kind == ProviderEventKind.TextDelta)
        {
            sink.Text(text, Logprobs);
        }
        else
        {
            sink.Reasoning(text);
        }
        ArrayPool<byte>.Shared.Return(utf8);
    }
}

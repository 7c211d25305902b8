using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.OpenAi;

/// <summary>Decodes an OpenAI Responses stream into provider events; one instance per turn.</summary>
/// <remarks>
/// Events per https://platform.openai.com/docs/api-reference/responses-streaming, typed by their data's <c>type</c>:
/// <list type="bullet">
/// <item><c>response.output_text.delta</c> → text; <c>response.reasoning_summary_text.delta</c> → reasoning.</item>
/// <item><c>response.output_item.added</c> with a <c>function_call</c> item starts a call keyed by <c>output_index</c>
/// (deltas carry that and the item id, not the <c>call_id</c>, which is the call's id for its output);
/// <c>response.function_call_arguments.delta</c> adds argument text; <c>response.output_item.done</c> completes it.</item>
/// <item><c>response.output_item.done</c> with a <c>reasoning</c> item carrying <c>encrypted_content</c> → a
/// <see cref="ReasoningItem"/> (its summary as text) for the next turn's input.</item>
/// <item>The stream has no <c>[DONE]</c>: <c>response.completed</c> ends it (<c>tool_calls</c> when a call was made, else
/// <c>stop</c>), <c>response.incomplete</c> too (<c>max_output_tokens</c> → length, <c>content_filter</c>), both with
/// <c>response.usage</c> (<c>input_tokens</c> including <c>input_tokens_details.cached_tokens</c>, <c>output_tokens</c>);
/// <c>response.failed</c> and <c>error</c> fail the turn. Other events are ignored.</item>
/// </list>
/// </remarks>
internal sealed class OpenAiResponsesStreamDecoder(string provider) : IStreamDecoder
{
    private readonly SortedDictionary<int, ToolCallBuffer> _calls = [];
    private bool _calledTools;

    public StreamDecodeResult Decode(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ITurnSink sink)
    {
        if (data.Trim(" \t\r\n"u8).IsEmpty)
        {
            return StreamDecodeResult.More;
        }
        var reader = new Utf8JsonReader(data);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("expected an event object");
        }
        switch (Text(root, "type"))
        {
            case "response.output_text.delta":
                sink.Text(Encoding.UTF8.GetBytes(Text(root, "delta") ?? ""), null);
                return StreamDecodeResult.More;
            case "response.reasoning_summary_text.delta":
                sink.Reasoning(Encoding.UTF8.GetBytes(Text(root, "delta") ?? ""));
                return StreamDecodeResult.More;
            case "response.output_item.added" when Item(root, "function_call") is { } item:
                var call = _calls[OutputIndex(root)] = new ToolCallBuffer(OutputIndex(root)) { Id = Text(item, "call_id"), Name = Text(item, "name") };
                call.Append(Text(item, "arguments"), replaced: false, sink);
                return StreamDecodeResult.More;
            case "response.function_call_arguments.delta":
                if (_calls.TryGetValue(OutputIndex(root), out var started))
                {
                    started.Append(Text(root, "delta"), replaced: false, sink);
                }
                return StreamDecodeResult.More;
            case "response.output_item.done":
                ItemDone(root, sink);
                return StreamDecodeResult.More;
            case "response.completed":
                End(root, null, sink);
                return StreamDecodeResult.Ended;
            case "response.incomplete":
                var reason = root.TryGetProperty("response"u8, out var response) && response.TryGetProperty("incomplete_details"u8, out var details)
                    ? Text(details, "reason") : null;
                End(root, reason == "content_filter" ? FinishReason.ContentFilter : FinishReason.Length, sink);
                return StreamDecodeResult.Ended;
            case "response.failed":
                var error = root.TryGetProperty("response"u8, out var failed) && failed.TryGetProperty("error"u8, out var inner) ? inner : default;
                Fail(error, sink);
                return StreamDecodeResult.Failed;
            case "error":
                Fail(root, sink);
                return StreamDecodeResult.Failed;
            default:
                return StreamDecodeResult.More;
        }
    }

    /// <summary>A finished output item: a function call is complete; a reasoning item with encrypted content is kept for the history.</summary>
    private void ItemDone(JsonElement root, ITurnSink sink)
    {
        if (Item(root, "function_call") is { } item)
        {
            var index = OutputIndex(root);
            if (!_calls.Remove(index, out var call))
            {
                call = new ToolCallBuffer(index) { Id = Text(item, "call_id"), Name = Text(item, "name") };
                call.Append(null, replaced: false, sink);
            }
            // The done item repeats the whole arguments; they serve when no delta carried them.
            call.InitialArguments = Encoding.UTF8.GetBytes(Text(item, "arguments") ?? "");
            call.Complete(sink);
            _calledTools = true;
        }
        else if (Item(root, "reasoning") is { } reasoning && Text(reasoning, "encrypted_content") is { } encrypted)
        {
            var summary = reasoning.TryGetProperty("summary"u8, out var parts) && parts.ValueKind == JsonValueKind.Array
                ? string.Join("\n\n", parts.EnumerateArray().Select(part => Text(part, "text")).Where(text => !string.IsNullOrEmpty(text)))
                : "";
            sink.ReasoningItem(new ReasoningItem(ReasoningSource.OpenAiResponses, summary.Length > 0 ? summary : null, EncryptedContent: encrypted));
        }
    }

    /// <param name="reason">Why the response is incomplete; null for a completed one, which stopped or called tools.</param>
    private void End(JsonElement root, FinishReason? reason, ITurnSink sink)
    {
        // Calls whose done item never came are complete all the same.
        _calledTools |= _calls.Count > 0;
        foreach (var call in _calls.Values)
        {
            call.Complete(sink);
        }
        _calls.Clear();
        sink.Finished(reason ?? (_calledTools ? FinishReason.ToolCalls : FinishReason.Stop));
        if (root.TryGetProperty("response"u8, out var response) && response.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            long? cached = usage.TryGetProperty("input_tokens_details"u8, out var details) && details.ValueKind == JsonValueKind.Object ? Number(details, "cached_tokens") : null;
            sink.Usage(new TokenUsage(Number(usage, "input_tokens") ?? 0, Number(usage, "output_tokens") ?? 0, cached));
        }
    }

    private void Fail(JsonElement error, ITurnSink sink)
    {
        var message = error.ValueKind == JsonValueKind.Object ? Text(error, "message") : null;
        var code = error.ValueKind == JsonValueKind.Object ? Text(error, "code") : null;
        sink.Failed(code is null ? $"{provider} error: {message ?? "unknown error"}" : $"{provider} error: {code}: {message}", 502);
    }

    /// <summary>The event's <c>item</c> when it is of <paramref name="type"/>.</summary>
    private static JsonElement? Item(JsonElement root, string type) =>
        root.TryGetProperty("item"u8, out var item) && item.ValueKind == JsonValueKind.Object && Text(item, "type") == type ? item : null;

    private static int OutputIndex(JsonElement root) => (int)(Number(root, "output_index") ?? 0);

    private static string? Text(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}

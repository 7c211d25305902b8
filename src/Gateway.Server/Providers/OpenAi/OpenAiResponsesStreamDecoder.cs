using System.Runtime.InteropServices;
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
    private byte[]? _scratch;
    private bool _calledTools;

    private enum EventKind : byte
    {
        Other,
        TextDelta,
        ReasoningDelta,
        ItemAdded,
        ArgumentsDelta,
        ItemDone,
        Completed,
        Incomplete,
        Failed,
        Error,
    }

    public StreamDecodeResult Decode(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ITurnSink sink)
    {
        if (data.Trim(" \t\r\n"u8).IsEmpty)
        {
            return StreamDecodeResult.More;
        }
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected an event object");
        }
        // The deltas, most of the stream, are read in place; only items, responses and errors become elements.
        var kind = EventKind.Other;
        ReadOnlySpan<byte> delta = default;
        var replaced = false;
        var index = 0;
        JsonElement item = default, response = default;
        string? code = null, message = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("type"u8) ? 1 : reader.ValueTextEquals("delta"u8) ? 2 : reader.ValueTextEquals("output_index"u8) ? 3
                : reader.ValueTextEquals("item"u8) ? 4 : reader.ValueTextEquals("response"u8) ? 5
                : reader.ValueTextEquals("code"u8) ? 6 : reader.ValueTextEquals("message"u8) ? 7 : 0;
            reader.Read();
            switch (field)
            {
                case 1:
                    kind = Classify(ref reader);
                    break;
                case 2:
                    delta = reader.TextBytes(ref _scratch, out replaced);
                    break;
                case 3:
                    index = (int)(reader.NumberOrNull() ?? 0);
                    break;
                case 4:
                    item = JsonElement.ParseValue(ref reader);
                    break;
                case 5:
                    response = JsonElement.ParseValue(ref reader);
                    break;
                case 6:
                    code = reader.StringOrNull();
                    break;
                case 7:
                    message = reader.StringOrNull();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        switch (kind)
        {
            case EventKind.TextDelta when !delta.IsEmpty:
                sink.Text(delta, null);
                return StreamDecodeResult.More;
            case EventKind.ReasoningDelta when !delta.IsEmpty:
                sink.Reasoning(delta);
                return StreamDecodeResult.More;
            case EventKind.ItemAdded when Is(item, "function_call"):
                var call = _calls[index] = new ToolCallBuffer(index) { Id = Text(item, "call_id"), Name = Text(item, "name") };
                call.Append(Text(item, "arguments"), replaced: false, sink);
                return StreamDecodeResult.More;
            case EventKind.ArgumentsDelta when _calls.TryGetValue(index, out var started):
                started.Append(Encoding.UTF8.GetString(delta), replaced, sink);
                return StreamDecodeResult.More;
            case EventKind.ItemDone:
                ItemDone(item, index, sink);
                return StreamDecodeResult.More;
            case EventKind.Completed:
                End(response, null, sink);
                return StreamDecodeResult.Ended;
            case EventKind.Incomplete:
                var reason = Object(response, "incomplete_details") is { } details ? Text(details, "reason") : null;
                End(response, reason == "content_filter" ? FinishReason.ContentFilter : FinishReason.Length, sink);
                return StreamDecodeResult.Ended;
            case EventKind.Failed:
                var error = Object(response, "error");
                Fail(error is { } e ? Text(e, "code") : null, error is { } m ? Text(m, "message") : null, sink);
                return StreamDecodeResult.Failed;
            case EventKind.Error:
                // The error event carries its code and message at the top level.
                Fail(code, message, sink);
                return StreamDecodeResult.Failed;
            default:
                return StreamDecodeResult.More;
        }
    }

    /// <summary>A finished output item: a function call is complete; a reasoning item with encrypted content is kept for the history.</summary>
    private void ItemDone(JsonElement item, int index, ITurnSink sink)
    {
        if (Is(item, "function_call"))
        {
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
        else if (Is(item, "reasoning") && Text(item, "encrypted_content") is { } encrypted)
        {
            var summary = item.TryGetProperty("summary"u8, out var parts) && parts.ValueKind == JsonValueKind.Array
                ? string.Join("\n\n", parts.EnumerateArray().Select(part => Text(part, "text")).Where(text => !string.IsNullOrEmpty(text)))
                : "";
            sink.ReasoningItem(new ReasoningItem(ReasoningSource.OpenAiResponses, summary.Length > 0 ? summary : null, EncryptedContent: encrypted));
        }
    }

    /// <param name="reason">Why the response is incomplete; null for a completed one, which stopped or called tools.</param>
    private void End(JsonElement response, FinishReason? reason, ITurnSink sink)
    {
        // Calls whose done item never came are complete all the same.
        _calledTools |= _calls.Count > 0;
        foreach (var call in _calls.Values)
        {
            call.Complete(sink);
        }
        _calls.Clear();
        sink.Finished(reason ?? (_calledTools ? FinishReason.ToolCalls : FinishReason.Stop));
        if (Object(response, "usage") is { } usage)
        {
            var cached = Object(usage, "input_tokens_details") is { } details ? Number(details, "cached_tokens") : null;
            sink.Usage(new TokenUsage(Number(usage, "input_tokens") ?? 0, Number(usage, "output_tokens") ?? 0, cached));
        }
    }

    private void Fail(string? code, string? message, ITurnSink sink) =>
        sink.Failed(code is null ? $"{provider} error: {message ?? "unknown error"}" : $"{provider} error: {code}: {message}", 502);

    private static EventKind Classify(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return EventKind.Other;
        }
        return reader.ValueTextEquals("response.output_text.delta"u8) ? EventKind.TextDelta
            : reader.ValueTextEquals("response.reasoning_summary_text.delta"u8) ? EventKind.ReasoningDelta
            : reader.ValueTextEquals("response.output_item.added"u8) ? EventKind.ItemAdded
            : reader.ValueTextEquals("response.function_call_arguments.delta"u8) ? EventKind.ArgumentsDelta
            : reader.ValueTextEquals("response.output_item.done"u8) ? EventKind.ItemDone
            : reader.ValueTextEquals("response.completed"u8) ? EventKind.Completed
            : reader.ValueTextEquals("response.incomplete"u8) ? EventKind.Incomplete
            : reader.ValueTextEquals("response.failed"u8) ? EventKind.Failed
            : reader.ValueTextEquals("error"u8) ? EventKind.Error
            : EventKind.Other;
    }

    private static bool Is(JsonElement item, string type) => item.ValueKind == JsonValueKind.Object && Text(item, "type") == type;

    private static JsonElement? Object(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>A string property, read leniently as the other decoders read text (not UTF-8: U+FFFD), or null.</summary>
    private static string? Text(JsonElement owner, string name)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(value));
        reader.Read();
        return reader.StringOrNull();
    }

    private static long? Number(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}

using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Anthropic;

/// <summary>Decodes an Anthropic Messages stream into provider events; one instance per turn.</summary>
/// <remarks>
/// Event flow per https://docs.anthropic.com/en/docs/build-with-claude/streaming: <c>message_start</c>
/// (usage: <c>input_tokens</c>, <c>cache_read_input_tokens</c>, <c>cache_creation_input_tokens</c>), then per
/// content block <c>content_block_start</c> (text, tool_use with id and name, thinking, redacted_thinking with its data),
/// <c>content_block_delta</c>s (<c>text_delta.text</c>, <c>input_json_delta.partial_json</c> accumulated per block index,
/// <c>thinking_delta.thinking</c> and <c>signature_delta.signature</c>, kept per block index as well),
/// <c>content_block_stop</c> (a tool_use block is complete here, and a thinking block becomes a <see cref="ReasoningItem"/>
/// for the next turn's history), <c>message_delta</c> (<c>stop_reason</c>, cumulative <c>usage.output_tokens</c>) and the end
/// marker <c>message_stop</c>. <c>ping</c> and event types added later are ignored, as the page asks; an
/// <c>error</c> event (e.g. <c>overloaded_error</c>) fails the turn.
/// The type comes from the SSE <c>event:</c> field, or from the data's <c>type</c> when a proxy drops that line.
/// </remarks>
internal sealed class AnthropicStreamDecoder(string provider) : IStreamDecoder
{
    private readonly SortedDictionary<int, ToolCallBuffer> _toolBlocks = [];
    private readonly SortedDictionary<int, ThinkingBlock> _thinkingBlocks = [];
    private long _inputTokens, _outputTokens;
    private byte[]? _scratch;
    private long? _cacheReadTokens, _cacheCreationTokens;
    private bool _sawUsage;
    private FinishReason? _stopReason;
    private string? _stopSequence;

    /// <summary>The <c>content_block_delta</c> types read (https://docs.anthropic.com/en/api/messages-streaming#delta-types).</summary>
    private enum DeltaKind : byte
    {
        Other,
        Text,
        Thinking,
        Signature,
        InputJson,
    }

    private enum EventKind : byte
    {
        Unknown,
        MessageStart,
        ContentBlockStart,
        ContentBlockDelta,
        ContentBlockStop,
        MessageDelta,
        MessageStop,
        Error,
    }

    public StreamDecodeResult Decode(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ITurnSink sink)
    {
        var kind = Classify(eventType.IsEmpty ? TypeOf(data) : eventType);
        if (kind == EventKind.Unknown)
        {
            return StreamDecodeResult.More; // ping, and event types this code predates.
        }
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected an event object");
        }
        switch (kind)
        {
            case EventKind.MessageStart:
                ReadMessageStart(ref reader);
                return StreamDecodeResult.More;
            case EventKind.ContentBlockStart:
                ReadBlockStart(ref reader, sink);
                return StreamDecodeResult.More;
            case EventKind.ContentBlockDelta:
                ReadBlockDelta(ref reader, sink);
                return StreamDecodeResult.More;
            case EventKind.ContentBlockStop:
                ReadBlockStop(ref reader, sink);
                return StreamDecodeResult.More;
            case EventKind.MessageDelta:
                ReadMessageDelta(ref reader);
                return StreamDecodeResult.More;
            case EventKind.MessageStop:
                // Blocks are always stopped before message_stop; flush anyway rather than lose a call.
                foreach (var call in _toolBlocks.Values)
                {
                    call.Complete(sink);
                }
                _toolBlocks.Clear();
                foreach (var block in _thinkingBlocks.Values)
                {
                    sink.ReasoningItem(block.ToItem());
                }
                _thinkingBlocks.Clear();
                if (_stopSequence is { } stopSequence)
                {
                    sink.StopSequence(stopSequence);
                }
                if (_stopReason is { } stopReason)
                {
                    sink.Finished(stopReason);
                }
                if (_sawUsage)
                {
                    sink.Usage(new TokenUsage(_inputTokens, _outputTokens, _cacheReadTokens, _cacheCreationTokens));
                }
                return StreamDecodeResult.Ended;
            case EventKind.Error:
            default:
                var (message, type) = ReadProperty(ref reader, "error"u8) ? reader.ReadError() : ("unknown error", null);
                sink.Failed(type is null ? $"{provider} error: {message}" : $"{provider} error: {type}: {message}", 502);
                return StreamDecodeResult.Failed;
        }
    }

    private void ReadMessageStart(ref Utf8JsonReader reader)
    {
        if (ReadProperty(ref reader, "message"u8) && reader.TokenType == JsonTokenType.StartObject && ReadProperty(ref reader, "usage"u8))
        {
            ReadUsage(ref reader);
        }
    }

    private void ReadBlockStart(ref Utf8JsonReader reader, ITurnSink sink)
    {
        int? index = null;
        string? type = null, id = null, name = null, text = null, thinking = null, signature = null, data = null;
        byte[]? input = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = (int?)reader.NumberOrNull();
            }
            else if (reader.ValueTextEquals("content_block"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("input"u8))
                    {
                        reader.Read();
                        input = reader.TokenType == JsonTokenType.StartObject ? JsonMarshal.GetRawUtf8Value(JsonElement.ParseValue(ref reader)).ToArray() : null;
                        reader.Skip();
                        continue;
                    }
                    var field = reader.ValueTextEquals("type"u8) ? 1 : reader.ValueTextEquals("id"u8) ? 2 : reader.ValueTextEquals("name"u8) ? 3
                        : reader.ValueTextEquals("text"u8) ? 4 : reader.ValueTextEquals("thinking"u8) ? 5
                        : reader.ValueTextEquals("signature"u8) ? 6 : reader.ValueTextEquals("data"u8) ? 7 : 0;
                    reader.Read();
                    var value = reader.StringOrNull();
                    switch (field)
                    {
                        case 1: type = value; break;
                        case 2: id = value; break;
                        case 3: name = value; break;
                        case 4: text = value; break;
                        case 5: thinking = value; break;
                        case 6: signature = value; break;
                        case 7: data = value; break;
                    }
                }
            }
            else
            {
                // Another property (Skip on a name skips its value), or a content_block that is not an object.
                reader.Skip();
            }
        }
        if (type == "tool_use" && index is { } i)
        {
            var call = _toolBlocks[i] = new ToolCallBuffer(i) { Id = id, Name = name, InitialArguments = input };
            call.Append(null, replaced: false, sink);
        }
        else if (type is "thinking" or "redacted_thinking" && index is { } block)
        {
            _thinkingBlocks[block] = new ThinkingBlock(type == "redacted_thinking", thinking, signature, data);
            if (!string.IsNullOrEmpty(thinking))
            {
                sink.Reasoning(Encoding.UTF8.GetBytes(thinking));
            }
        }
        else if (!string.IsNullOrEmpty(text))
        {
            sink.Text(Encoding.UTF8.GetBytes(text), null);
        }
        else if (!string.IsNullOrEmpty(thinking))
        {
            sink.Reasoning(Encoding.UTF8.GetBytes(thinking));
        }
    }

    private void ReadBlockDelta(ref Utf8JsonReader reader, ITurnSink sink)
    {
        int? index = null;
        var type = DeltaKind.Other;
        ReadOnlySpan<byte> text = default;
        var replaced = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = (int?)reader.NumberOrNull();
                continue;
            }
            if (!reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }
            reader.Read();
            if (!reader.EnterObject())
            {
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                // Each delta type carries its payload in its own field.
                var isPayload = !isType && (reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("partial_json"u8)
                    || reader.ValueTextEquals("thinking"u8) || reader.ValueTextEquals("signature"u8));
                reader.Read();
                if (isType)
                {
                    type = reader.TokenType != JsonTokenType.String ? DeltaKind.Other
                        : reader.ValueTextEquals("text_delta"u8) ? DeltaKind.Text
                        : reader.ValueTextEquals("thinking_delta"u8) ? DeltaKind.Thinking
                        : reader.ValueTextEquals("signature_delta"u8) ? DeltaKind.Signature
                        : reader.ValueTextEquals("input_json_delta"u8) ? DeltaKind.InputJson
                        : DeltaKind.Other;
                    reader.Skip();
                }
                else if (isPayload)
                {
                    text = reader.TextBytes(ref _scratch, out replaced);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        if (text.IsEmpty)
        {
            return;
        }
        switch (type)
        {
            case DeltaKind.Text:
                sink.Text(text, null);
                break;
            case DeltaKind.Thinking:
                sink.Reasoning(text);
                if (index is { } block && _thinkingBlocks.TryGetValue(block, out var thinking))
                {
                    thinking.Text.Write(text);
                }
                break;
            case DeltaKind.Signature when index is { } signedBlock && _thinkingBlocks.TryGetValue(signedBlock, out var signed):
                signed.Signature = Encoding.UTF8.GetString(text);
                break;
            case DeltaKind.InputJson when index is { } i && _toolBlocks.TryGetValue(i, out var call):
                call.Append(Encoding.UTF8.GetString(text), replaced, sink);
                break;
        }
    }

    private void ReadBlockStop(ref Utf8JsonReader reader, ITurnSink sink)
    {
        if (!ReadProperty(ref reader, "index"u8) || reader.NumberOrNull() is not { } index)
        {
            return;
        }
        if (_toolBlocks.Remove((int)index, out var call))
        {
            call.Complete(sink);
        }
        else if (_thinkingBlocks.Remove((int)index, out var thinking))
        {
            sink.ReasoningItem(thinking.ToItem());
        }
    }

    /// <summary><c>{"delta":{"stop_reason","stop_sequence",…},"usage":{…}}</c>: both are kept for message_stop, after the last calls.</summary>
    private void ReadMessageDelta(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (!reader.EnterObject())
                {
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isStopReason = reader.ValueTextEquals("stop_reason"u8);
                    var isStopSequence = reader.ValueTextEquals("stop_sequence"u8);
                    reader.Read();
                    if (isStopReason && reader.StringOrNull() is { } reason)
                    {
                        _stopReason = ParseStopReason(reason);
                    }
                    else if (isStopSequence && reader.StringOrNull() is { } sequence)
                    {
                        _stopSequence = sequence;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>https://docs.anthropic.com/en/api/handling-stop-reasons, in OpenAI's terms; <c>pause_turn</c> and later additions count as a stop.</summary>
    private static FinishReason ParseStopReason(string reason) => reason switch
    {
        "max_tokens" or "model_context_window_exceeded" => FinishReason.Length,
        "tool_use" => FinishReason.ToolCalls,
        "refusal" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    /// <summary>Reads a usage object; counts given again later (message_delta is cumulative) replace earlier ones.</summary>
    private void ReadUsage(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return;
        }
        _sawUsage = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("input_tokens"u8) ? 1 : reader.ValueTextEquals("output_tokens"u8) ? 2
                : reader.ValueTextEquals("cache_read_input_tokens"u8) ? 3 : reader.ValueTextEquals("cache_creation_input_tokens"u8) ? 4 : 0;
            reader.Read();
            var value = reader.NumberOrNull();
            switch (field)
            {
                case 1 when value is { } v: _inputTokens = v; break;
                case 2 when value is { } v: _outputTokens = v; break;
                case 3 when value is not null: _cacheReadTokens = value; break;
                case 4 when value is not null: _cacheCreationTokens = value; break;
            }
        }
    }

    /// <summary>Moves to the value of the named property of the current object, skipping the others; false if absent.</summary>
    private static bool ReadProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
        {
            var found = reader.ValueTextEquals(name);
            reader.Read();
            if (found)
            {
                return true;
            }
            reader.Skip();
        }
        return false;
    }

    private static EventKind Classify(ReadOnlySpan<byte> type) => type switch
    {
        _ when type.SequenceEqual("message_start"u8) => EventKind.MessageStart,
        _ when type.SequenceEqual("content_block_start"u8) => EventKind.ContentBlockStart,
        _ when type.SequenceEqual("content_block_delta"u8) => EventKind.ContentBlockDelta,
        _ when type.SequenceEqual("content_block_stop"u8) => EventKind.ContentBlockStop,
        _ when type.SequenceEqual("message_delta"u8) => EventKind.MessageDelta,
        _ when type.SequenceEqual("message_stop"u8) => EventKind.MessageStop,
        _ when type.SequenceEqual("error"u8) => EventKind.Error,
        _ => EventKind.Unknown,
    };

    /// <summary>The top-level <c>type</c> string of an event's data, for streams without <c>event:</c> lines.</summary>
    private static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && ReadProperty(ref reader, "type"u8)
            && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            return data.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }
        return [];
    }

    /// <summary>A thinking block as it streams: its text and signature, or a redacted block's data, for <see cref="ReasoningItem"/>.</summary>
    private sealed class ThinkingBlock(bool redacted, string? text, string? signature, string? data)
    {
        public ArrayBufferWriter<byte> Text { get; } = FromText(text);

        public string? Signature { get; set; } = signature;

        public ReasoningItem ToItem() => redacted
            ? new ReasoningItem(ReasoningSource.AnthropicRedacted, null, RedactedData: data)
            : new ReasoningItem(ReasoningSource.AnthropicThinking, Encoding.UTF8.GetString(Text.WrittenSpan), Signature);

        private static ArrayBufferWriter<byte> FromText(string? text)
        {
            var buffer = new ArrayBufferWriter<byte>();
            buffer.Write(Encoding.UTF8.GetBytes(text ?? ""));
            return buffer;
        }
    }
}

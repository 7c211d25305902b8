using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>Collects a whole model turn and writes it as one <c>message</c> object (https://docs.anthropic.com/en/api/messages).</summary>
/// <remarks>
/// Content blocks in the order the model produced them: <c>thinking</c> (with the <c>signature</c> an Anthropic upstream
/// gave, empty from other providers' reasoning), <c>redacted_thinking</c>, <c>text</c>, <c>tool_use</c>; consecutive
/// pieces of one kind make one block. <c>usage</c> always, zeros when the provider reported none.
/// </remarks>
/// <param name="inputIncludesCache">The provider's input count includes cached input (see <see cref="MessageJson.WriteUsage"/>).</param>
internal sealed class MessageBuilder(string model, bool inputIncludesCache) : IWholeAnswer
{
    private readonly List<Block> _blocks = [];
    private readonly FinishTracker _finish = new();
    private string? _stopSequence;
    private TokenUsage _usage;

    public ApiError? Failure { get; private set; }

    public void Text(ReadOnlySpan<byte> text, string? logprobs) => Append(BlockKind.Text, text);

    public void Reasoning(ReadOnlySpan<byte> text) => Append(BlockKind.Thinking, text);

    /// <summary>An Anthropic thinking block's signature completes the block its text went to; a redacted one is a block of its own.</summary>
    public void ReasoningItem(ReasoningItem item)
    {
        if (item.Source == ReasoningSource.AnthropicRedacted)
        {
            _blocks.Add(new Block(BlockKind.RedactedThinking) { Data = item.RedactedData });
        }
        else if (item.Source == ReasoningSource.AnthropicThinking)
        {
            if (_blocks.Count == 0 || _blocks[^1].Kind != BlockKind.Thinking || _blocks[^1].Signature is not null)
            {
                Append(BlockKind.Thinking, []);
            }
            _blocks[^1].Signature = item.Signature;
        }
    }

    /// <summary>A whole message lists whole calls only.</summary>
    public void ToolCallStarted(int index, string id, string name)
    {
    }

    public void ToolArguments(int index, string text)
    {
    }

    public void ToolCalled(ToolCallRequest call, int index)
    {
        _blocks.Add(new Block(BlockKind.ToolUse) { Call = call });
        _finish.ToolCalled();
    }

    public void Finished(FinishReason reason) => _finish.Finished(reason);

    public void StopSequence(string sequence) => _stopSequence = sequence;

    public void Usage(TokenUsage usage) => _usage = usage;

    public void Failed(string message, int statusCode) => Failure = new AnthropicError(statusCode, message);

    /// <summary>Nothing is sent before the whole answer.</summary>
    public ValueTask FlushAsync() => ValueTask.CompletedTask;

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            MessageJson.WriteStart(json, RandomIds.Create("msg_"), model);
            json.WriteStartArray("content"u8);
            foreach (var block in _blocks)
            {
                block.WriteTo(json);
            }
            json.WriteEndArray();
            MessageJson.WriteStop(json, _finish.Reason, _stopSequence);
            MessageJson.WriteUsage(json, _usage, inputIncludesCache);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
        {
            block.Text.Release();
        }
    }

    private void Append(BlockKind kind, ReadOnlySpan<byte> text)
    {
        // A signed thinking block is complete: more thinking starts the next one.
        if (_blocks.Count == 0 || _blocks[^1].Kind != kind || _blocks[^1].Signature is not null)
        {
            _blocks.Add(new Block(kind));
        }
        _blocks[^1].Text.Write(text);
    }

    private enum BlockKind : byte
    {
        Text,
        Thinking,
        RedactedThinking,
        ToolUse,
    }

    /// <summary>One content block: its text and signature (a text or thinking block), data (a redacted one), or call.</summary>
    private sealed class Block(BlockKind kind)
    {
        public BlockKind Kind => kind;

        public PooledBufferWriter Text { get; } = new();

        public string? Signature { get; set; }

        public string? Data { get; init; }

        public ToolCallRequest? Call { get; init; }

        public void WriteTo(Utf8JsonWriter json)
        {
            json.WriteStartObject();
            switch (kind)
            {
                case BlockKind.Text:
                    json.WriteString("type"u8, "text"u8);
                    json.WriteString("text"u8, Text.WrittenMemory.Span);
                    break;
                case BlockKind.Thinking:
                    json.WriteString("type"u8, "thinking"u8);
                    json.WriteString("thinking"u8, Text.WrittenMemory.Span);
                    json.WriteString("signature"u8, Signature ?? "");
                    break;
                case BlockKind.RedactedThinking:
                    json.WriteString("type"u8, "redacted_thinking"u8);
                    json.WriteString("data"u8, Data);
                    break;
                default:
                    json.WriteString("type"u8, "tool_use"u8);
                    json.WriteString("id"u8, Call!.Id);
                    json.WriteString("name"u8, Call.Name);
                    MessageJson.WriteInput(json, Call);
                    break;
            }
            json.WriteEndObject();
        }
    }
}

using System.Buffers;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>Writes a streamed message as Anthropic's SSE events into its <see cref="EventStream"/>.</summary>
/// <remarks>
/// The order is Anthropic's (https://docs.anthropic.com/en/docs/build-with-claude/streaming): <c>message_start</c> (its
/// usage zeros: the providers report usage at the end), then per content block <c>content_block_start</c>,
/// <c>content_block_delta</c>s (<c>text_delta</c>, <c>thinking_delta</c> then the <c>signature_delta</c> an Anthropic
/// upstream gave, <c>input_json_delta</c> with a call's argument text as the model writes it, or whole when the provider
/// reports whole calls or interleaves parallel ones) and <c>content_block_stop</c>, one block open at a time (text
/// after a call began, which no provider sends, would end the call's block early); then <c>message_delta</c> with the
/// stop reason and the whole usage (input included, which Anthropic's SDKs take from it) and <c>message_stop</c>.
/// A failure after the stream started is an <c>error</c> event and nothing after it. Pings are the stream's, which also
/// opens with <c>message_start</c> and a ping when the first event is slow to come (<see cref="EventStream.OpenWhenSilent"/>).
/// </remarks>
/// <param name="inputIncludesCache">The provider's input count includes cached input (see <see cref="MessageJson.WriteUsage"/>).</param>
internal sealed class MessageEventWriter(EventStream stream, string model, bool inputIncludesCache, CancellationToken cancellationToken)
    : StreamedAnswerWriter(stream, cancellationToken), IStreamedAnswer, IStreamOpening
{
    /// <summary>The stream's ping (https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types).</summary>
    public static readonly byte[] Ping = "event: ping\ndata: {\"type\":\"ping\"}\n\n"u8.ToArray();

    private readonly FinishTracker _finish = new();
    private TokenUsage _usage;
    private string? _stopSequence;
    private int _blockCount;
    private BlockKind _open;
    private StartedCall? _openCall;
    private List<ToolCallRequest>? _waiting;

    private enum BlockKind : byte
    {
        None,
        Text,
        Thinking,
        RedactedThinking,
        ToolUse,
    }

    public void Text(ReadOnlySpan<byte> text, string? logprobs)
    {
        using var frames = Begin();
        Enter(BlockKind.Text);
        BeginDelta("text_delta"u8);
        Json.WriteString("text"u8, text);
        EndDelta();
    }

    public void Reasoning(ReadOnlySpan<byte> text)
    {
        using var frames = Begin();
        Enter(BlockKind.Thinking);
        BeginDelta("thinking_delta"u8);
        Json.WriteString("thinking"u8, text);
        EndDelta();
    }

    /// <summary>An Anthropic thinking block's signature ends the block its text went to; a redacted block is whole at once.</summary>
    public void ReasoningItem(ReasoningItem item)
    {
        if (item.Source is not (ReasoningSource.AnthropicThinking or ReasoningSource.AnthropicRedacted))
        {
            return; // Another API's item: its text came as thinking deltas, and nothing else of it can be read back here.
        }
        using var frames = Begin();
        if (item.Source == ReasoningSource.AnthropicRedacted)
        {
            Close();
            BeginBlock();
            Json.WriteString("type"u8, "redacted_thinking"u8);
            Json.WriteString("data"u8, item.RedactedData);
            EndBlock(BlockKind.RedactedThinking);
            Close();
            return;
        }
        Enter(BlockKind.Thinking);
        if (item.Signature is { } signature)
        {
            BeginDelta("signature_delta"u8);
            Json.WriteString("signature"u8, signature);
            EndDelta();
        }
        Close();
    }

    /// <summary>
    /// A call begins: its block opens unless another call's is open (OpenAI-compatible upstreams may interleave the
    /// pieces of parallel calls), in which case it waits and goes whole once complete.
    /// </summary>
    /// <param name="index">The provider's number for the call, which its argument pieces and completion carry.</param>
    public void ToolCallStarted(int index, string id, string name)
    {
        if (_open == BlockKind.ToolUse)
        {
            return;
        }
        using var frames = Begin();
        StartToolUse(id, name);
        _openCall = new StartedCall(index);
    }

    /// <summary>A piece of the open call's arguments, as the model writes it; a waiting call's come whole later.</summary>
    public void ToolArguments(int index, string text)
    {
        if (_openCall is not { } call || call.Index != index)
        {
            return;
        }
        using var frames = Begin();
        call.ArgumentsSent = true;
        WriteInputDelta(text);
    }

    /// <summary>A complete call: the open one's block ends (with its arguments whole if none came in pieces); another is a whole block, after the open one.</summary>
    public void ToolCalled(ToolCallRequest call, int index)
    {
        _finish.ToolCalled();
        using var frames = Begin();
        if (_openCall is { } open && open.Index == index)
        {
            if (!open.ArgumentsSent)
            {
                WriteInputDelta(call.Arguments.ToString());
            }
            Close();
        }
        else if (_open == BlockKind.ToolUse)
        {
            (_waiting ??= []).Add(call);
        }
        else
        {
            WriteWholeCall(call);
        }
    }

    public void Finished(FinishReason reason) => _finish.Finished(reason);

    public void StopSequence(string sequence) => _stopSequence = sequence;

    public void Usage(TokenUsage usage) => _usage = usage;

    /// <summary>A failure after the stream started is an <c>error</c> event.</summary>
    protected override ReadOnlySpan<byte> ErrorEventType => "error"u8;

    protected override ApiError Error(string message, int statusCode) => new AnthropicError(statusCode, message);

    /// <summary>After the turn: the open block's stop, <c>message_delta</c> and <c>message_stop</c>; nothing after a failure.</summary>
    public void WriteEnd()
    {
        if (HasFailed)
        {
            return;
        }
        using var frames = Begin();
        Close();
        BeginEvent("message_delta"u8);
        Json.WriteStartObject("delta"u8);
        MessageJson.WriteStop(Json, _finish.Reason, _stopSequence);
        Json.WriteEndObject();
        MessageJson.WriteUsage(Json, _usage, inputIncludesCache);
        Json.WriteEndObject();
        Frames.EndFrame();
        BeginEvent("message_stop"u8);
        Json.WriteEndObject();
        Frames.EndFrame();
    }

    /// <summary>Takes the stream's pending buffer for this call's events; the first opens the stream with <c>message_start</c>.</summary>
    /// <remarks>The head waits for the first event, so a turn that fails before producing anything answers with its own status.</remarks>
    private EventStream.FrameScope Begin()
    {
        var frames = Frames.Begin(out var opened);
        if (opened)
        {
            WriteMessageStart();
        }
        return frames;
    }

    /// <summary>The heartbeat opened the stream before the first event: <c>message_start</c> goes first all the same.</summary>
    public void WriteOpening(IBufferWriter<byte> output)
    {
        Frames.Into(output);
        WriteMessageStart();
    }

    private void WriteMessageStart()
    {
        BeginEvent("message_start"u8);
        Json.WritePropertyName("message"u8);
        MessageJson.WriteStart(Json, RandomIds.Create("msg_"), model);
        Json.WriteStartArray("content"u8);
        Json.WriteEndArray();
        Json.WriteNull("stop_reason"u8);
        Json.WriteNull("stop_sequence"u8);
        MessageJson.WriteUsage(Json, default, inputIncludesCache: false);
        Json.WriteEndObject();
        Json.WriteEndObject();
        Frames.EndFrame();
    }

    /// <summary>Makes a block of <paramref name="kind"/> the open one, ending another first.</summary>
    private void Enter(BlockKind kind)
    {
        if (_open == kind)
        {
            return;
        }
        Close();
        BeginBlock();
        if (kind == BlockKind.Text)
        {
            Json.WriteString("type"u8, "text"u8);
            Json.WriteString("text"u8, ""u8);
        }
        else
        {
            Json.WriteString("type"u8, "thinking"u8);
            Json.WriteString("thinking"u8, ""u8);
            Json.WriteString("signature"u8, ""u8);
        }
        EndBlock(kind);
    }

    private void StartToolUse(string id, string name)
    {
        Close();
        BeginBlock();
        Json.WriteString("type"u8, "tool_use"u8);
        Json.WriteString("id"u8, id);
        Json.WriteString("name"u8, name);
        Json.WriteStartObject("input"u8);
        Json.WriteEndObject();
        EndBlock(BlockKind.ToolUse);
    }

    private void WriteInputDelta(string json)
    {
        BeginDelta("input_json_delta"u8);
        Json.WriteString("partial_json"u8, json);
        EndDelta();
    }

    /// <summary><c>content_block_start</c> up to the inside of its <c>content_block</c>.</summary>
    private void BeginBlock()
    {
        BeginEvent("content_block_start"u8);
        Json.WriteNumber("index"u8, _blockCount);
        Json.WriteStartObject("content_block"u8);
    }

    private void EndBlock(BlockKind open)
    {
        Json.WriteEndObject();
        Json.WriteEndObject();
        Frames.EndFrame();
        _open = open;
    }

    /// <summary>Ends the open block, if any.</summary>
    private void Close()
    {
        if (_open == BlockKind.None)
        {
            return;
        }
        BeginEvent("content_block_stop"u8);
        Json.WriteNumber("index"u8, _blockCount++);
        Json.WriteEndObject();
        Frames.EndFrame();
        var closedCall = _open == BlockKind.ToolUse;
        _open = BlockKind.None;
        _openCall = null;
        if (closedCall && _waiting is { Count: > 0 } waiting)
        {
            _waiting = null;
            foreach (var call in waiting)
            {
                WriteWholeCall(call);
            }
        }
    }

    private void WriteWholeCall(ToolCallRequest call)
    {
        StartToolUse(call.Id, call.Name);
        WriteInputDelta(call.Arguments.ToString());
        Close();
    }

    private void BeginDelta(ReadOnlySpan<byte> type)
    {
        BeginEvent("content_block_delta"u8);
        Json.WriteNumber("index"u8, _blockCount);
        Json.WriteStartObject("delta"u8);
        Json.WriteString("type"u8, type);
    }

    private void EndDelta()
    {
        Json.WriteEndObject();
        Json.WriteEndObject();
        Frames.EndFrame();
    }

    /// <summary><c>event: type</c>, then the <c>data:</c> line's object opened with the same <c>type</c>.</summary>
    private void BeginEvent(ReadOnlySpan<byte> type)
    {
        Frames.BeginFrame(type);
        Json.WriteStartObject();
        Json.WriteString("type"u8, type);
    }

    /// <summary>The call whose block is open: the provider's index for it, and whether any argument text followed.</summary>
    private sealed class StartedCall(int index)
    {
        public int Index => index;

        public bool ArgumentsSent { get; set; }
    }
}

using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Sse;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>Writes a streamed completion as SSE <c>data:</c> lines of <c>chat.completion.chunk</c> objects into its <see cref="EventStream"/>.</summary>
/// <remarks>
/// The order is OpenAI's (https://platform.openai.com/docs/api-reference/chat-streaming): a first chunk whose delta
/// carries <c>role</c>; content deltas, each with the upstream's <c>logprobs</c> for it when it sent any; tool-call
/// deltas, a call's <c>index</c> counting the calls of the turn: its first delta has <c>id</c>, <c>type</c> and the
/// function's <c>name</c> with empty <c>arguments</c>, later ones pieces of the arguments as the model writes them (a
/// provider that only reports whole calls gets each in one delta); a chunk with an empty delta and the
/// <c>finish_reason</c>; with <c>include_usage</c>, <c>"usage":null</c> on those and a last chunk with empty <c>choices</c> and the usage; then
/// <c>data: [DONE]</c>. A failure after the stream started is one <c>data: {"error":…}</c> line and no [DONE], which
/// OpenAI's SDKs raise as an error. The stream sends what a provider produced together in one write.
/// </remarks>
/// <param name="inputExcludesCache">The provider counts cached input apart (<see cref="IModelProvider.CountsCachedInputApart"/>).</param>
internal sealed class CompletionChunkWriter(
    EventStream stream, CompletionIdentity identity, bool includeUsage, bool inputExcludesCache, CancellationToken cancellationToken)
    : StreamedAnswerWriter(stream, cancellationToken), IStreamedAnswer
{
    private readonly Dictionary<int, StartedCall> _started = [];
    private readonly FinishTracker _finish = new();
    private TokenUsage _usage;
    private int _toolCalls;

    /// <param name="logprobs">The upstream's <c>logprobs</c> object for this text, relayed as it came; null for none.</param>
    public void Text(ReadOnlySpan<byte> text, string? logprobs)
    {
        using var frames = Begin();
        BeginDelta();
        Json.WriteString("content"u8, text);
        EndDelta(finishReason: null, logprobs);
    }

    /// <summary>Reasoning as <c>delta.reasoning_content</c>, the field DeepSeek, vLLM and llama-server use; OpenAI's SDKs pass unknown fields through.</summary>
    public void Reasoning(ReadOnlySpan<byte> text)
    {
        using var frames = Begin();
        BeginDelta();
        Json.WriteString("reasoning_content"u8, text);
        EndDelta(finishReason: null);
    }

    /// <param name="index">The provider's number for the call, which its argument pieces and completion carry.</param>
    public void ToolCallStarted(int index, string id, string name)
    {
        using var frames = Begin();
        var streamIndex = _toolCalls++;
        _started[index] = new StartedCall(streamIndex);
        WriteToolCallDelta(new ToolCallRequest(id, name, RawJson.EmptyObject), streamIndex, argumentsFollow: true);
    }

    public void ToolArguments(int index, string text)
    {
        using var frames = Begin();
        // Providers start a call before its arguments; a piece of an unknown call has nowhere to go.
        if (_started.TryGetValue(index, out var call))
        {
            call.ArgumentsSent = true;
            BeginArgumentsDelta(call.Index);
            Json.WriteString("arguments"u8, text);
            EndArgumentsDelta();
        }
    }

    /// <summary>A complete call: whole when it was not started, else nothing more unless its arguments never came in pieces.</summary>
    public void ToolCalled(ToolCallRequest call, int index)
    {
        _finish.ToolCalled();
        using var frames = Begin();
        if (_started.Remove(index, out var started))
        {
            if (!started.ArgumentsSent)
            {
                BeginArgumentsDelta(started.Index);
                CompletionJson.WriteArguments(Json, call);
                EndArgumentsDelta();
            }
            return;
        }
        WriteToolCallDelta(call, _toolCalls++, argumentsFollow: false);
    }

    public void Finished(FinishReason reason) => _finish.Finished(reason);

    public void Usage(TokenUsage usage) => _usage = usage;

    /// <summary>A failure after the stream started is its last chunk, <c>data: {"error":…}</c>.</summary>
    protected override ApiError Error(string message, int statusCode) => OpenAiError.FromProvider(message, statusCode);

    /// <summary>After the turn: the finish chunk, the usage chunk when the caller asked for it, then the end marker; nothing after a failure.</summary>
    public void WriteEnd()
    {
        if (HasFailed)
        {
            return;
        }
        using var frames = Begin();
        BeginDelta();
        EndDelta(_finish.Reason);
        if (includeUsage)
        {
            Frames.BeginFrame();
            CompletionJson.WriteStart(Json, identity, "chat.completion.chunk"u8);
            Json.WriteStartArray("choices"u8);
            Json.WriteEndArray();
            CompletionJson.WriteUsage(Json, _usage, inputExcludesCache);
            Json.WriteEndObject();
            Frames.EndFrame();
        }
        Frames.WriteRaw("data: [DONE]\n\n"u8);
    }

    private void WriteToolCallDelta(ToolCallRequest call, int index, bool argumentsFollow)
    {
        BeginDelta();
        Json.WriteStartArray("tool_calls"u8);
        CompletionJson.WriteToolCall(Json, call, index, argumentsFollow);
        Json.WriteEndArray();
        EndDelta(finishReason: null);
    }

    /// <summary>Takes the stream's pending buffer for this call's frames; the first opens the stream with the role chunk.</summary>
    /// <remarks>The head waits for the first event, so a turn that fails before producing anything answers with its own status.</remarks>
    private EventStream.FrameScope Begin()
    {
        var frames = Frames.Begin(out var opened);
        if (opened)
        {
            BeginDelta();
            Json.WriteString("role"u8, "assistant"u8);
            Json.WriteString("content"u8, ""u8);
            EndDelta(finishReason: null);
        }
        return frames;
    }

    /// <summary><c>"tool_calls":[{"index":…,"function":{</c>, for the arguments to follow.</summary>
    private void BeginArgumentsDelta(int index)
    {
        BeginDelta();
        Json.WriteStartArray("tool_calls"u8);
        Json.WriteStartObject();
        Json.WriteNumber("index"u8, index);
        Json.WriteStartObject("function"u8);
    }

    private void EndArgumentsDelta()
    {
        Json.WriteEndObject();
        Json.WriteEndObject();
        Json.WriteEndArray();
        EndDelta(finishReason: null);
    }

    private void BeginDelta()
    {
        Frames.BeginFrame();
        CompletionJson.WriteStartOfChoice(Json, identity, "chat.completion.chunk"u8, "delta"u8);
    }

    private void EndDelta(FinishReason? finishReason, string? logprobs = null)
    {
        Json.WriteEndObject();
        if (logprobs is not null)
        {
            Json.WritePropertyName("logprobs"u8);
            Json.WriteRawValue(logprobs, skipInputValidation: true);
        }
        if (finishReason is { } reason)
        {
            Json.WriteString("finish_reason"u8, CompletionJson.FinishReasonName(reason));
        }
        else
        {
            Json.WriteNull("finish_reason"u8);
        }
        Json.WriteEndObject();
        Json.WriteEndArray();
        if (includeUsage)
        {
            Json.WriteNull("usage"u8);
        }
        Json.WriteEndObject();
        Frames.EndFrame();
    }

    /// <summary>A call whose start was sent: its index in this stream, and whether any argument text followed.</summary>
    private sealed class StartedCall(int index)
    {
        public int Index => index;

        public bool ArgumentsSent { get; set; }
    }
}

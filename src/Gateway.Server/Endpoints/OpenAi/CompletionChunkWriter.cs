using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

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
internal sealed class CompletionChunkWriter : IDisposable
{
    private readonly EventStream _stream;
    private readonly CompletionIdentity _identity;
    private readonly bool _includeUsage;
    private readonly Dictionary<int, StartedCall> _started = [];
    private int _toolCalls;
    private Utf8JsonWriter? _writer;
    private IBufferWriter<byte> _output = null!;

    public CompletionChunkWriter(EventStream stream, CompletionIdentity identity, bool includeUsage)
    {
        _stream = stream;
        _identity = identity;
        _includeUsage = includeUsage;
    }

    private Utf8JsonWriter Json => _writer!;

    public void WriteRole()
    {
        using var frames = Begin();
        BeginDelta();
        Json.WriteString("role"u8, "assistant"u8);
        Json.WriteString("content"u8, ""u8);
        EndDelta(finishReason: null);
    }

    /// <param name="logprobs">The upstream's <c>logprobs</c> object for this text, relayed as it came; null for none.</param>
    public void WriteContent(string text, string? logprobs)
    {
        using var frames = Begin();
        BeginDelta();
        Json.WriteString("content"u8, text);
        EndDelta(finishReason: null, logprobs);
    }

    /// <summary>Reasoning as <c>delta.reasoning_content</c>, the field DeepSeek, vLLM and llama-server use; OpenAI's SDKs pass unknown fields through.</summary>
    public void WriteReasoning(string text)
    {
        using var frames = Begin();
        BeginDelta();
        Json.WriteString("reasoning_content"u8, text);
        EndDelta(finishReason: null);
    }

    /// <param name="providerIndex">The provider's number for the call, which its argument pieces and completion carry.</param>
    /// <param name="header">The call's id and name.</param>
    public void WriteToolCallStart(int providerIndex, ToolCallRequest header)
    {
        using var frames = Begin();
        var index = _toolCalls++;
        _started[providerIndex] = new StartedCall(index);
        WriteToolCallDelta(header, index, argumentsFollow: true);
    }

    public void WriteToolArguments(int providerIndex, string text)
    {
        using var frames = Begin();
        // Providers start a call before its arguments; a piece of an unknown call has nowhere to go.
        if (_started.TryGetValue(providerIndex, out var call))
        {
            call.ArgumentsSent = true;
            BeginArgumentsDelta(call.Index);
            Json.WriteString("arguments"u8, text);
            EndArgumentsDelta();
        }
    }

    /// <summary>A complete call: whole when it was not started, else nothing more unless its arguments never came in pieces.</summary>
    public void WriteToolCall(ToolCallRequest call, int providerIndex)
    {
        using var frames = Begin();
        if (_started.Remove(providerIndex, out var started))
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

    private void WriteToolCallDelta(ToolCallRequest call, int index, bool argumentsFollow)
    {
        BeginDelta();
        Json.WriteStartArray("tool_calls"u8);
        CompletionJson.WriteToolCall(Json, call, index, argumentsFollow);
        Json.WriteEndArray();
        EndDelta(finishReason: null);
    }

    public void WriteFinish(FinishReason reason)
    {
        using var frames = Begin();
        BeginDelta();
        EndDelta(reason);
    }

    /// <summary>The usage chunk, when the caller asked for it (else nothing), then the end marker.</summary>
    public void WriteEnd(TokenUsage usage, bool inputExcludesCache)
    {
        using var frames = Begin();
        if (_includeUsage)
        {
            BeginFrame();
            CompletionJson.WriteStart(Json, _identity, "chat.completion.chunk"u8);
            Json.WriteStartArray("choices"u8);
            Json.WriteEndArray();
            CompletionJson.WriteUsage(Json, usage, inputExcludesCache);
            Json.WriteEndObject();
            EndFrame();
        }
        _output.Write("data: [DONE]\n\n"u8);
    }

    public void WriteError(OpenAiError error)
    {
        using var frames = Begin();
        BeginFrame();
        error.WriteTo(Json);
        EndFrame();
    }

    public void Dispose() => _writer?.Dispose();

    /// <summary>Takes the stream's pending buffer for this call's frames.</summary>
    private EventStream.FrameScope Begin()
    {
        var frames = _stream.BeginFrames();
        _output = frames.Output;
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
        BeginFrame();
        CompletionJson.WriteStartOfChoice(Json, _identity, "chat.completion.chunk"u8, "delta"u8);
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
        if (_includeUsage)
        {
            Json.WriteNull("usage"u8);
        }
        Json.WriteEndObject();
        EndFrame();
    }

    private void BeginFrame()
    {
        _output.Write("data: "u8);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(_output, CompletionJson.WriterOptions);
        }
        else
        {
            _writer.Reset(_output);
        }
    }

    private void EndFrame()
    {
        Json.Flush();
        _output.Write("\n\n"u8);
    }

    /// <summary>A call whose start was sent: its index in this stream, and whether any argument text followed.</summary>
    private sealed class StartedCall(int index)
    {
        public int Index => index;

        public bool ArgumentsSent { get; set; }
    }
}

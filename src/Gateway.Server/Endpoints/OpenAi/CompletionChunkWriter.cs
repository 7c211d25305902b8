using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>Writes a streamed completion as SSE <c>data:</c> lines of <c>chat.completion.chunk</c> objects, into one reused buffer.</summary>
/// <remarks>
/// The order is OpenAI's (https://platform.openai.com/docs/api-reference/chat-streaming): a first chunk whose delta
/// carries <c>role</c>; content deltas, each with the upstream's <c>logprobs</c> for it when it sent any; tool-call
/// deltas, a call's <c>index</c> counting the calls of the turn: its first delta has <c>id</c>, <c>type</c> and the
/// function's <c>name</c> with empty <c>arguments</c>, later ones pieces of the arguments as the model writes them (a
/// provider that only reports whole calls gets each in one delta); a chunk with an empty delta and the
/// <c>finish_reason</c>; with <c>include_usage</c>, <c>"usage":null</c> on those and a last chunk with empty <c>choices</c> and the usage; then
/// <c>data: [DONE]</c>. A failure after the stream started is one <c>data: {"error":…}</c> line and no [DONE], which
/// OpenAI's SDKs raise as an error. Several events may be written before the buffer is sent, so that what a provider
/// produced together goes out in one write.
/// </remarks>
internal sealed class CompletionChunkWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly CompletionIdentity _identity;
    private readonly bool _includeUsage;
    private readonly Dictionary<int, StartedCall> _started = [];
    private int _toolCalls;

    public CompletionChunkWriter(CompletionIdentity identity, bool includeUsage)
    {
        _identity = identity;
        _includeUsage = includeUsage;
        _json = new Utf8JsonWriter(_buffer, CompletionJson.WriterOptions);
    }

    /// <summary>The frames written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Pending => _buffer.WrittenMemory;

    public void Clear() => _buffer.ResetWrittenCount();

    public void WriteRole()
    {
        BeginDelta();
        _json.WriteString("role"u8, "assistant"u8);
        _json.WriteString("content"u8, ""u8);
        EndDelta(finishReason: null);
    }

    /// <param name="logprobs">The upstream's <c>logprobs</c> object for this text, relayed as it came; null for none.</param>
    public void WriteContent(string text, string? logprobs)
    {
        BeginDelta();
        _json.WriteString("content"u8, text);
        EndDelta(finishReason: null, logprobs);
    }

    /// <summary>Reasoning as <c>delta.reasoning_content</c>, the field DeepSeek, vLLM and llama-server use; OpenAI's SDKs pass unknown fields through.</summary>
    public void WriteReasoning(string text)
    {
        BeginDelta();
        _json.WriteString("reasoning_content"u8, text);
        EndDelta(finishReason: null);
    }

    /// <param name="providerIndex">The provider's number for the call, which its argument pieces and completion carry.</param>
    /// <param name="header">The call's id and name.</param>
    public void WriteToolCallStart(int providerIndex, ToolCallRequest header)
    {
        var index = _toolCalls++;
        _started[providerIndex] = new StartedCall(index);
        WriteToolCallDelta(header, index, argumentsFollow: true);
    }

    public void WriteToolArguments(int providerIndex, string text)
    {
        // Providers start a call before its arguments; a piece of an unknown call has nowhere to go.
        if (_started.TryGetValue(providerIndex, out var call))
        {
            call.ArgumentsSent = true;
            BeginArgumentsDelta(call.Index);
            _json.WriteString("arguments"u8, text);
            EndArgumentsDelta();
        }
    }

    /// <summary>A complete call: whole when it was not started, else nothing more unless its arguments never came in pieces.</summary>
    public void WriteToolCall(ToolCallRequest call, int providerIndex)
    {
        if (_started.Remove(providerIndex, out var started))
        {
            if (!started.ArgumentsSent)
            {
                BeginArgumentsDelta(started.Index);
                CompletionJson.WriteArguments(_json, call);
                EndArgumentsDelta();
            }
            return;
        }
        WriteToolCallDelta(call, _toolCalls++, argumentsFollow: false);
    }

    private void WriteToolCallDelta(ToolCallRequest call, int index, bool argumentsFollow)
    {
        BeginDelta();
        _json.WriteStartArray("tool_calls"u8);
        CompletionJson.WriteToolCall(_json, call, index, argumentsFollow);
        _json.WriteEndArray();
        EndDelta(finishReason: null);
    }

    public void WriteFinish(FinishReason reason)
    {
        BeginDelta();
        EndDelta(reason);
    }

    /// <summary>The usage chunk, when the caller asked for it (else nothing), then the end marker.</summary>
    public void WriteEnd(TokenUsage usage, bool inputExcludesCache)
    {
        if (_includeUsage)
        {
            BeginFrame();
            CompletionJson.WriteStart(_json, _identity, "chat.completion.chunk"u8);
            _json.WriteStartArray("choices"u8);
            _json.WriteEndArray();
            CompletionJson.WriteUsage(_json, usage, inputExcludesCache);
            _json.WriteEndObject();
            EndFrame();
        }
        _buffer.Write("data: [DONE]\n\n"u8);
    }

    public void WriteError(OpenAiError error)
    {
        BeginFrame();
        error.WriteTo(_json);
        EndFrame();
    }

    public void Dispose() => _json.Dispose();

    /// <summary><c>"tool_calls":[{"index":…,"function":{</c>, for the arguments to follow.</summary>
    private void BeginArgumentsDelta(int index)
    {
        BeginDelta();
        _json.WriteStartArray("tool_calls"u8);
        _json.WriteStartObject();
        _json.WriteNumber("index"u8, index);
        _json.WriteStartObject("function"u8);
    }

    private void EndArgumentsDelta()
    {
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndArray();
        EndDelta(finishReason: null);
    }

    private void BeginDelta()
    {
        BeginFrame();
        CompletionJson.WriteStartOfChoice(_json, _identity, "chat.completion.chunk"u8, "delta"u8);
    }

    private void EndDelta(FinishReason? finishReason, string? logprobs = null)
    {
        _json.WriteEndObject();
        if (logprobs is not null)
        {
            _json.WritePropertyName("logprobs"u8);
            _json.WriteRawValue(logprobs, skipInputValidation: true);
        }
        if (finishReason is { } reason)
        {
            _json.WriteString("finish_reason"u8, CompletionJson.FinishReasonName(reason));
        }
        else
        {
            _json.WriteNull("finish_reason"u8);
        }
        _json.WriteEndObject();
        _json.WriteEndArray();
        if (_includeUsage)
        {
            _json.WriteNull("usage"u8);
        }
        _json.WriteEndObject();
        EndFrame();
    }

    private void BeginFrame()
    {
        _buffer.Write("data: "u8);
        _json.Reset(_buffer);
    }

    private void EndFrame()
    {
        _json.Flush();
        _buffer.Write("\n\n"u8);
    }

    /// <summary>A call whose start was sent: its index in this stream, and whether any argument text followed.</summary>
    private sealed class StartedCall(int index)
    {
        public int Index => index;

        public bool ArgumentsSent { get; set; }
    }
}

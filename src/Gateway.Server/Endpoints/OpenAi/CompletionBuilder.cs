using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>Collects a whole model turn and writes it as one <c>chat.completion</c> object.</summary>
/// <remarks>
/// Shape (https://platform.openai.com/docs/api-reference/chat/object): <c>choices[0].message</c> has <c>role</c>,
/// <c>content</c> (null when the model only called tools), <c>tool_calls</c> when there are any, and
/// <c>reasoning_content</c> when the model reasoned (as in the streamed deltas); <c>logprobs</c> when the upstream sent
/// them, its per-chunk <c>content</c> lists joined into one; <c>finish_reason</c>; <c>usage</c> always, zeros when the
/// provider reported none.
/// </remarks>
/// <param name="inputExcludesCache">The provider counts cached input apart (<see cref="IModelProvider.CountsCachedInputApart"/>).</param>
internal sealed class CompletionBuilder(CompletionIdentity identity, bool inputExcludesCache) : IWholeAnswer
{
    private readonly PooledBufferWriter _content = new();
    private readonly PooledBufferWriter _reasoning = new();
    private readonly List<ToolCallRequest> _toolCalls = [];
    private readonly FinishTracker _finish = new();
    private List<string>? _tokenLogprobs;
    private TokenUsage _usage;

    public ApiError? Failure { get; private set; }

    public void Text(ReadOnlySpan<byte> text, string? logprobs)
    {
        _content.Write(text);
        if (logprobs is not null)
        {
            AddLogprobs(logprobs);
        }
    }

    public void Reasoning(ReadOnlySpan<byte> text) => _reasoning.Write(text);

    /// <summary>A whole completion lists whole calls only.</summary>
    public void ToolCallStarted(int index, string id, string name)
    {
    }

    public void ToolArguments(int index, string text)
    {
    }

    public void ToolCalled(ToolCallRequest call, int index)
    {
        _toolCalls.Add(call);
        _finish.ToolCalled();
    }

    public void Finished(FinishReason reason) => _finish.Finished(reason);

    public void Usage(TokenUsage usage) => _usage = usage;

    public void Failed(string message, int statusCode) => Failure = OpenAiError.FromProvider(message, statusCode);

    /// <summary>Nothing is sent before the whole answer.</summary>
    public ValueTask FlushAsync() => ValueTask.CompletedTask;

    /// <summary>Keeps each token's entry of one chunk's <c>logprobs.content</c>, as the upstream wrote it.</summary>
    private void AddLogprobs(string logprobs)
    {
        _tokenLogprobs ??= [];
        using var document = JsonDocument.Parse(logprobs);
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("content", out var tokens) && tokens.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in tokens.EnumerateArray())
            {
                _tokenLogprobs.Add(token.GetRawText());
            }
        }
    }

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(_content.WrittenCount + _reasoning.WrittenCount + 512);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            CompletionJson.WriteStartOfChoice(json, identity, "chat.completion"u8, "message"u8);
            json.WriteString("role"u8, "assistant"u8);
            if (_content.WrittenCount > 0 || _toolCalls.Count == 0)
            {
                json.WriteString("content"u8, _content.WrittenMemory.Span);
            }
            else
            {
                json.WriteNull("content"u8);
            }
            if (_reasoning.WrittenCount > 0)
            {
                json.WriteString("reasoning_content"u8, _reasoning.WrittenMemory.Span);
            }
            if (_toolCalls.Count > 0)
            {
                json.WriteStartArray("tool_calls"u8);
                foreach (var call in _toolCalls)
                {
                    CompletionJson.WriteToolCall(json, call, index: null);
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
            if (_tokenLogprobs is not null)
            {
                json.WriteStartObject("logprobs"u8);
                json.WriteStartArray("content"u8);
                foreach (var token in _tokenLogprobs)
                {
                    json.WriteRawValue(token, skipInputValidation: true);
                }
                json.WriteEndArray();
                json.WriteNull("refusal"u8);
                json.WriteEndObject();
            }
            json.WriteString("finish_reason"u8, CompletionJson.FinishReasonName(_finish.Reason));
            json.WriteEndObject();
            json.WriteEndArray();
            CompletionJson.WriteUsage(json, _usage, inputExcludesCache);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Gives the text buffers back to the pool.</summary>
    public void Dispose()
    {
        _content.Release();
        _reasoning.Release();
    }
}

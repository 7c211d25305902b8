using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.OpenAi;

/// <summary>Decodes an OpenAI chat-completions stream into provider events; one instance per turn.</summary>
/// <remarks>
/// Chunk shape: https://platform.openai.com/docs/api-reference/chat-streaming/streaming. Each <c>data:</c> line
/// is a <c>chat.completion.chunk</c>; the stream ends with <c>data: [DONE]</c>. Fields read:
/// <list type="bullet">
/// <item><c>choices[0].delta.content</c> → text; <c>delta.reasoning_content</c> (DeepSeek, llama-server, vLLM) or
/// <c>delta.reasoning</c> (OpenRouter, Ollama) → reasoning, one of them per chunk as servers may send both.</item>
/// <item><c>delta.tool_calls[]</c>: fragments keyed by <c>index</c>; the first carries <c>id</c> and
/// <c>function.name</c> and may already carry argument text; <c>function.arguments</c> pieces concatenate
/// (https://platform.openai.com/docs/guides/function-calling#streaming). Each call's start and argument pieces are
/// passed on as they come; the complete calls are emitted in index order when <c>finish_reason</c> arrives or at
/// <c>[DONE]</c>.</item>
/// <item><c>finish_reason</c> → Finished, after the calls: <c>stop</c>, <c>length</c>, <c>tool_calls</c> (and the
/// deprecated <c>function_call</c>), <c>content_filter</c>; a reason this list lacks counts as <c>stop</c>.</item>
/// <item><c>usage</c> (sent with <c>stream_options.include_usage</c> in a last chunk whose <c>choices</c> is
/// empty): <c>prompt_tokens</c>, <c>completion_tokens</c>, <c>prompt_tokens_details.cached_tokens</c>; reported
/// once at <c>[DONE]</c>, and not at all if the upstream sent none.</item>
/// <item><c>choices[0].logprobs</c> (present when the caller asked for <c>logprobs</c>) rides on the text delta of its
/// chunk as the JSON sent, for the OpenAI front door to relay.</item>
/// <item>a top-level <c>error</c> object (OpenRouter and others report mid-stream failures so) → Failed.</item>
/// </list>
/// Only choice 0 is read: the gateway never asks for <c>n</c> &gt; 1.
/// </remarks>
internal sealed class OpenAiStreamDecoder(string provider) : IStreamDecoder
{
    private readonly List<ToolCallBuffer?> _toolCalls = [];
    private readonly List<ToolCallFragment> _fragments = [];
    private TokenUsage? _usage;
    private byte[]? _contentScratch;
    private byte[]? _reasoningScratch;

    public StreamDecodeResult Decode(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ITurnSink sink)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            FlushToolCalls(sink);
            if (_usage is { } usage)
            {
                sink.Usage(usage);
            }
            return StreamDecodeResult.Ended;
        }
        if (data.Trim(" \t\r\n"u8).IsEmpty)
        {
            return StreamDecodeResult.More;
        }

        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected a chat.completion.chunk object");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                ReadChoices(ref reader, sink);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }
                sink.Failed($"{provider} error: {reader.ReadError().Message}", 502);
                return StreamDecodeResult.Failed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return StreamDecodeResult.More;
    }

    private void ReadChoices(ref Utf8JsonReader reader, ITurnSink sink)
    {
        if (!reader.EnterArray())
        {
            return;
        }
        while (reader.ReadNextObjectInArray())
        {
            ReadChoice(ref reader, sink);
        }
    }

    private void ReadChoice(ref Utf8JsonReader reader, ITurnSink sink)
    {
        var index = 0;
        string? finishReason = null, logprobs = null;
        ReadOnlySpan<byte> content = default, thinking = default;
        var thinkingFromReasoningContent = false;
        _fragments.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = (int)(reader.NumberOrNull() ?? 0);
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                finishReason = reader.StringOrNull();
            }
            else if (reader.ValueTextEquals("logprobs"u8))
            {
                reader.Read();
                logprobs = reader.TokenType == JsonTokenType.Null ? null : RawValue(ref reader);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (!reader.EnterObject())
                {
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("content"u8))
                    {
                        reader.Read();
                        content = reader.TextBytes(ref _contentScratch, out _);
                    }
                    else if (reader.ValueTextEquals("reasoning_content"u8))
                    {
                        reader.Read();
                        var text = reader.TextBytes(ref _reasoningScratch, out _);
                        if (!text.IsEmpty)
                        {
                            thinking = text;
                            thinkingFromReasoningContent = true;
                        }
                    }
                    else if (reader.ValueTextEquals("reasoning"u8))
                    {
                        reader.Read();
                        // reasoning_content wins when a server sends both.
                        if (thinkingFromReasoningContent)
                        {
                            reader.Skip();
                        }
                        else
                        {
                            thinking = reader.TextBytes(ref _reasoningScratch, out _);
                        }
                    }
                    else if (reader.ValueTextEquals("tool_calls"u8))
                    {
                        reader.Read();
                        ReadToolCallFragments(ref reader, _fragments);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (index != 0)
        {
            return;
        }

        if (!thinking.IsEmpty)
        {
            sink.Reasoning(thinking);
        }
        if (!content.IsEmpty || logprobs is not null)
        {
            sink.Text(content, logprobs);
        }
        foreach (var fragment in _fragments)
        {
            Apply(fragment, sink);
        }
        if (finishReason is not null)
        {
            FlushToolCalls(sink);
            sink.Finished(ParseFinishReason(finishReason));
        }
    }

    /// <summary>The JSON of the value the reader is on, as sent; the reader ends on its last token.</summary>
    private static string RawValue(ref Utf8JsonReader reader)
    {
        using var value = JsonDocument.ParseValue(ref reader);
        // Read as a decoder reads it: GetRawText throws on bytes that are not UTF-8.
        return Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(value.RootElement));
    }

    private static FinishReason ParseFinishReason(string reason) => reason switch
    {
        "length" => FinishReason.Length,
        "tool_calls" or "function_call" => FinishReason.ToolCalls,
        "content_filter" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    private static void ReadToolCallFragments(ref Utf8JsonReader reader, List<ToolCallFragment> fragments)
    {
        if (!reader.EnterArray())
        {
            return;
        }
        while (reader.ReadNextObjectInArray())
        {
            var fragment = new ToolCallFragment();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    fragment.Index = (int?)reader.NumberOrNull();
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    fragment.Id = reader.StringOrNull();
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    if (!reader.EnterObject())
                    {
                        continue;
                    }
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isName = reader.ValueTextEquals("name"u8);
                        var isArguments = !isName && reader.ValueTextEquals("arguments"u8);
                        reader.Read();
                        if (isName)
                        {
                            fragment.Name = reader.StringOrNull();
                        }
                        else if (isArguments)
                        {
                            fragment.Arguments = reader.TextOrNull(out fragment.ArgumentsReplaced);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            fragments.Add(fragment);
        }
    }

    private void Apply(ToolCallFragment fragment, ITurnSink sink)
    {
        // A server that omits the index: a fragment with a new id starts a new call; one without (or with the last
        // call's id again) continues the last call.
        var last = _toolCalls.Count - 1;
        var index = fragment.Index
            ?? (fragment.Id is null || (last >= 0 && _toolCalls[last]?.Id == fragment.Id) ? Math.Max(last, 0) : _toolCalls.Count);
        if (index < 0 || index > 1024)
        {
            throw new JsonException($"tool call index {index} out of range");
        }
        while (_toolCalls.Count <= index)
        {
            _toolCalls.Add(null);
        }
        var call = _toolCalls[index] ??= new ToolCallBuffer(index);
        // Some servers repeat id and name on every fragment: the first one counts.
        call.Id ??= fragment.Id;
        call.Name ??= fragment.Name;
        call.Append(fragment.Arguments, fragment.ArgumentsReplaced, sink);
    }

    private void FlushToolCalls(ITurnSink sink)
    {
        foreach (var call in _toolCalls)
        {
            if (call is not null)
            {
                call.Complete(sink);
            }
        }
        _toolCalls.Clear();
    }

    private void ReadUsage(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return;
        }
        long input = 0, output = 0;
        long? cached = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                reader.Read();
                input = reader.NumberOrNull() ?? 0;
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                reader.Read();
                output = reader.NumberOrNull() ?? 0;
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                reader.Read();
                if (!reader.EnterObject())
                {
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isCached = reader.ValueTextEquals("cached_tokens"u8);
                    reader.Read();
                    if (isCached)
                    {
                        cached = reader.NumberOrNull();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        _usage = new TokenUsage(input, output, cached);
    }

    /// <summary>One element of <c>delta.tool_calls</c>, read before it is applied.</summary>
    private struct ToolCallFragment
    {
        public int? Index;
        public string? Id;
        public string? Name;
        public string? Arguments;
        public bool ArgumentsReplaced;
    }
}

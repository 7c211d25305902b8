using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers.Anthropic;

internal sealed partial class AnthropicProvider
{
    /// <summary>
    /// The Messages request body (https://docs.anthropic.com/en/api/messages):
    /// <c>{"model","max_tokens","stream":true,"thinking"?,"system"?:[text block],"messages":[…],"tools"?:[…]}</c>.
    /// </summary>
    /// <remarks>
    /// Conversion of SPEC §3 messages:
    /// <list type="bullet">
    /// <item>System messages, wherever they are, are joined (blank line between) into the top-level <c>system</c>;
    /// the API has no system role in <c>messages</c>.</item>
    /// <item>Content that is all text is one string (one text block where it carries a cache mark); otherwise blocks: <c>text</c>; <c>image</c> with a base64
    /// source, or a <c>url</c> source for an image given by URL (OpenAI's <c>detail</c> has no counterpart and is
    /// dropped); <c>document</c> with a base64 source (PDF), or a <c>text</c> source (media type <c>text/plain</c>)
    /// for textual documents (https://docs.anthropic.com/en/docs/build-with-claude/pdf-support, …/citations).</item>
    /// <item>Assistant tool calls are <c>tool_use</c> blocks after the text; an assistant message with neither text
    /// nor calls is left out (the API rejects empty content).</item>
    /// <item>Consecutive tool messages become one user message of <c>tool_result</c> blocks
    /// (https://docs.anthropic.com/en/docs/build-with-claude/tool-use), whose content may hold images and documents.</item>
    /// <item>Tools are <c>{name,description,input_schema}</c>; <c>tools</c> is left out when there are none.</item>
    /// <item>Prompt caching marks the last tool, the system text and the ends of the latest and the previous turn, or
    /// where a Messages caller marked its blocks (<see cref="CacheBreakpoints"/>); a reasoning effort turns on extended
    /// thinking (<see cref="ThinkingBudget"/>).</item>
    /// </list>
    /// </remarks>
    /// <param name="countOnly">For <c>/v1/messages/count_tokens</c>, which takes the prompt's fields only (no max_tokens, stream or sampling).</param>
    internal static byte[] WriteRequestBody(ModelTurnRequest request, int maxTokens = DefaultMaxTokens, bool countOnly = false)
    {
        var budget = ThinkingBudget(request);
        var breakpoints = CacheBreakpoints.Of(request);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("model"u8, request.Model);
            // A budget by effort is added to max_tokens, so the answer keeps what it would have had without thinking; a
            // Messages caller's own budget is already within its max_tokens.
            if (!countOnly)
            {
                var added = request.Options.ThinkingBudget is null ? budget ?? 0 : 0;
                json.WriteNumber("max_tokens"u8, (request.Options.MaxTokens ?? maxTokens) + added);
                json.WriteBoolean("stream"u8, true);
            }
            if (budget is { } tokens)
            {
                json.WriteStartObject("thinking"u8);
                json.WriteString("type"u8, "enabled"u8);
                json.WriteNumber("budget_tokens"u8, tokens);
                json.WriteEndObject();
            }
            if (!countOnly)
            {
                WriteOptions(json, request.Options, thinking: budget is not null);
            }
            WriteSystem(json, request.Messages, breakpoints);

            json.WriteStartArray("messages"u8);
            var messages = request.Messages;
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                switch (message.Role)
                {
                    case ChatRole.User:
                        json.WriteStartObject();
                        json.WriteString("role"u8, "user"u8);
                        json.WritePropertyName("content"u8);
                        WriteContent(json, message.Content, breakpoints.Mark(breakpoints.Marks(i)));
                        json.WriteEndObject();
                        break;
                    case ChatRole.Assistant:
                        WriteAssistant(json, message, breakpoints.Mark(breakpoints.Marks(i)), replayThinking: budget is not null);
                        break;
                    case ChatRole.Tool:
                        i = WriteToolResults(json, messages, i, breakpoints) - 1;
                        break;
                }
            }
            json.WriteEndArray();

            if (request.Tools.Count > 0)
            {
                WriteToolChoice(json, request.Options);
                json.WriteStartArray("tools"u8);
                for (var i = 0; i < request.Tools.Count; i++)
                {
                    var tool = request.Tools[i];
                    json.WriteStartObject();
                    json.WriteString("name"u8, tool.Name);
                    json.WriteString("description"u8, tool.Description);
                    json.WritePropertyName("input_schema"u8);
                    tool.ParametersSchema.WriteTo(json);
                    EndBlock(json, tool.CacheControl ?? breakpoints.Mark(i == request.Tools.Count - 1));
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The caller's sampling options in Anthropic's terms: <c>temperature</c> (Anthropic's range is 0–1, OpenAI's 0–2,
    /// so higher values are capped at 1), <c>top_p</c>, <c>top_k</c>, <c>stop_sequences</c>, <c>metadata.user_id</c>. Thinking
    /// allows no temperature or top_k and a top_p of 0.95–1 only (docs.anthropic.com/en/docs/build-with-claude/extended-thinking),
    /// so others are left out.
    /// </summary>
    private static void WriteOptions(Utf8JsonWriter json, TurnOptions options, bool thinking)
    {
        if (options.Temperature is { } temperature && !thinking)
        {
            json.WriteNumber("temperature"u8, Math.Min(temperature, 1.0));
        }
        if (options.TopP is { } topP && (!thinking || topP >= MinThinkingTopP))
        {
            json.WriteNumber("top_p"u8, topP);
        }
        if (options.TopK is { } topK && !thinking)
        {
            json.WriteNumber("top_k"u8, topK);
        }
        if (options.Stop.Count > 0)
        {
            ProviderJson.WriteStringArray(json, "stop_sequences"u8, options.Stop);
        }
        if (options.User is { } user)
        {
            json.WriteStartObject("metadata"u8);
            json.WriteString("user_id"u8, user);
            json.WriteEndObject();
        }
    }

    /// <summary>
    /// <c>tool_choice</c> (https://docs.anthropic.com/en/docs/build-with-claude/tool-use): OpenAI's <c>none</c>,
    /// <c>required</c> and a named function are <c>none</c>, <c>any</c> and <c>tool</c>; <c>parallel_tool_calls:false</c>
    /// is <c>disable_parallel_tool_use</c>. Left out when both are defaults.
    /// </summary>
    private static void WriteToolChoice(Utf8JsonWriter json, TurnOptions options)
    {
        var choice = options.ToolChoice;
        var serial = options.ParallelToolCalls == false;
        if (choice.Mode == ToolChoiceMode.Auto && !serial)
        {
            return;
        }
        json.WriteStartObject("tool_choice"u8);
        json.WriteString("type"u8, choice.Mode switch
        {
            ToolChoiceMode.None => "none"u8,
            ToolChoiceMode.Required => "any"u8,
            ToolChoiceMode.Function => "tool"u8,
            _ => "auto"u8,
        });
        if (choice.Mode == ToolChoiceMode.Function)
        {
            json.WriteString("name"u8, choice.FunctionName);
        }
        if (serial && choice.Mode != ToolChoiceMode.None)
        {
            json.WriteBoolean("disable_parallel_tool_use"u8, true);
        }
        json.WriteEndObject();
    }

    /// <summary>Thinking blocks first and unmodified, as the API requires of a tool-use turn; then text, then tool_use blocks.</summary>
    /// <param name="mark">The gateway's cache mark for the message's last block, if it gets one.</param>
    private static void WriteAssistant(Utf8JsonWriter json, ChatMessage message, RawJson? mark, bool replayThinking)
    {
        var text = ProviderJson.JoinText(message.Content);
        if (text.Length == 0 && message.ToolCalls.Count == 0)
        {
            return;
        }
        IReadOnlyList<ReasoningItem> reasoning = replayThinking && message.Reasoning.Count > 0 ? [.. message.Reasoning.Where(IsAnthropic)] : [];
        json.WriteStartObject();
        json.WriteString("role"u8, "assistant"u8);
        var callerMarkedText = message.Content.Any(p => p.CacheControl is not null);
        if (message.ToolCalls.Count == 0 && reasoning.Count == 0 && mark is null && !callerMarkedText)
        {
            json.WriteString("content"u8, text);
            json.WriteEndObject();
            return;
        }
        json.WriteStartArray("content"u8);
        foreach (var item in reasoning)
        {
            WriteReasoning(json, item);
        }
        if (callerMarkedText)
        {
            // Each text block as the caller sent it, so its marks stay where it put them.
            foreach (var part in message.Content.Where(p => p.Kind == ContentPartKind.Text))
            {
                WriteTextBlock(json, part.Text ?? "", part.CacheControl);
            }
        }
        else if (text.Length > 0)
        {
            WriteTextBlock(json, text, message.ToolCalls.Count == 0 ? mark : null);
        }
        for (var i = 0; i < message.ToolCalls.Count; i++)
        {
            var call = message.ToolCalls[i];
            json.WriteStartObject();
            json.WriteString("type"u8, "tool_use"u8);
            json.WriteString("id"u8, call.Id);
            json.WriteString("name"u8, call.Name);
            json.WritePropertyName("input"u8);
            call.Arguments.WriteTo(json);
            EndBlock(json, call.CacheControl ?? (i == message.ToolCalls.Count - 1 ? mark : null));
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes the tool messages from <paramref name="start"/> on as one user message; returns the index after the run.</summary>
    private static int WriteToolResults(Utf8JsonWriter json, IReadOnlyList<ChatMessage> messages, int start, CacheBreakpoints breakpoints)
    {
        json.WriteStartObject();
        json.WriteString("role"u8, "user"u8);
        json.WriteStartArray("content"u8);
        var end = start;
        for (; end < messages.Count && messages[end].Role == ChatRole.Tool; end++)
        {
            json.WriteStartObject();
            json.WriteString("type"u8, "tool_result"u8);
            json.WriteString("tool_use_id"u8, messages[end].ToolCallId);
            if (messages[end].IsError)
            {
                json.WriteBoolean("is_error"u8, true);
            }
            json.WritePropertyName("content"u8);
            WriteContent(json, messages[end].Content, lastMark: null);
            // A marked index is always the last of its run (the latest message, or the one before an assistant message).
            EndBlock(json, messages[end].CacheControl ?? breakpoints.Mark(breakpoints.Marks(end)));
        }
        json.WriteEndArray();
        json.WriteEndObject();
        return end;
    }

    /// <summary>
    /// A string when all text and unmarked (an empty text block is refused, so it stays a string); else blocks, each with
    /// the caller's mark, the last one with <paramref name="lastMark"/> (the gateway's) when the caller gave it none.
    /// </summary>
    private static void WriteContent(Utf8JsonWriter json, IReadOnlyList<ContentPart> parts, RawJson? lastMark)
    {
        if (ProviderJson.IsAllText(parts) && !parts.Any(p => p.CacheControl is not null))
        {
            var text = ProviderJson.JoinText(parts);
            if (lastMark is null || text.Length == 0)
            {
                json.WriteStringValue(text);
                return;
            }
            json.WriteStartArray();
            WriteTextBlock(json, text, lastMark);
            json.WriteEndArray();
            return;
        }
        json.WriteStartArray();
        for (var i = 0; i < parts.Count; i++)
        {
            StartBlock(json, parts[i]);
            EndBlock(json, parts[i].CacheControl ?? (i == parts.Count - 1 ? lastMark : null));
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// System messages, wherever they are, as the top-level <c>system</c>: joined into one text block with the gateway's
    /// mark, or, when the caller placed the marks, one block per system text as it sent them.
    /// </summary>
    private static void WriteSystem(Utf8JsonWriter json, IReadOnlyList<ChatMessage> messages, CacheBreakpoints breakpoints)
    {
        var system = messages.Where(m => m.Role == ChatRole.System).ToList();
        var joined = string.Join("\n\n", system.Select(m => ProviderJson.JoinText(m.Content)));
        if (joined.Length == 0)
        {
            return;
        }
        json.WriteStartArray("system"u8);
        if (breakpoints.ByCaller)
        {
            foreach (var part in system.SelectMany(m => m.Content).Where(p => p.Kind == ContentPartKind.Text && !string.IsNullOrEmpty(p.Text)))
            {
                WriteTextBlock(json, part.Text!, part.CacheControl);
            }
        }
        else
        {
            WriteTextBlock(json, joined, breakpoints.Mark(true));
        }
        json.WriteEndArray();
    }

    /// <summary>Opens a part's block and writes its fields; <see cref="EndBlock"/> closes it.</summary>
    private static void StartBlock(Utf8JsonWriter json, ContentPart part)
    {
        switch (part.Kind)
        {
            case ContentPartKind.Image when part.Url is not null:
                StartUrlImage(json, part.Url);
                break;
            case ContentPartKind.Image:
                StartSourceBlock(json, "image"u8, "base64"u8, part.MediaType, part.Data);
                break;
            case ContentPartKind.Document when ProviderJson.TextOfDocument(part) is { } text:
                StartSourceBlock(json, "document"u8, "text"u8, "text/plain", text);
                break;
            case ContentPartKind.Document:
                StartSourceBlock(json, "document"u8, "base64"u8, part.MediaType, part.Data);
                break;
            default:
                json.WriteStartObject();
                json.WriteString("type"u8, "text"u8);
                json.WriteString("text"u8, part.Text ?? "");
                break;
        }
    }

    private static void WriteTextBlock(Utf8JsonWriter json, string text, RawJson? cacheControl)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "text"u8);
        json.WriteString("text"u8, text);
        EndBlock(json, cacheControl);
    }

    /// <summary>An image Anthropic fetches itself: <c>{"type":"image","source":{"type":"url","url"}}</c>.</summary>
    private static void StartUrlImage(Utf8JsonWriter json, string url)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "image"u8);
        json.WriteStartObject("source"u8);
        json.WriteString("type"u8, "url"u8);
        json.WriteString("url"u8, url);
        json.WriteEndObject();
    }

    private static void StartSourceBlock(Utf8JsonWriter json, ReadOnlySpan<byte> type, ReadOnlySpan<byte> sourceType, string? mediaType, string? data)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, type);
        json.WriteStartObject("source"u8);
        json.WriteString("type"u8, sourceType);
        json.WriteString("media_type"u8, mediaType);
        json.WriteString("data"u8, data);
        json.WriteEndObject();
    }
}

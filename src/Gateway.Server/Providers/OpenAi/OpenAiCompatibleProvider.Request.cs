using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers.OpenAi;

internal sealed partial class OpenAiCompatibleProvider
{
    /// <summary>
    /// The chat-completions request body (https://platform.openai.com/docs/api-reference/chat/create):
    /// <c>{"model","stream":true,"stream_options":{"include_usage":true},"messages":[…],</c> the set
    /// <see cref="TurnOptions"/> <c>,"tools"?:[…]}</c>.
    /// </summary>
    /// <remarks>
    /// Conversion of SPEC §3 messages:
    /// <list type="bullet">
    /// <item>Content that is all text is sent as one string; otherwise as parts: <c>text</c>; images as
    /// <c>image_url</c> with a data URL, or the caller's http(s) URL, and its <c>detail</c> when given; documents with a textual media type as a <c>text</c> part of their
    /// decoded text, any other document (PDF) as a <c>file</c> part with <c>file_data</c> as a data URL
    /// (https://platform.openai.com/docs/guides/pdf-files). Servers without file support reject those.</item>
    /// <item>Assistant tool calls become <c>{id,type:"function",function:{name,arguments}}</c> with the arguments
    /// as a JSON string; content is null when the assistant said nothing.</item>
    /// <item>Tool messages carry <c>tool_call_id</c> and text content only (the API accepts nothing else there):
    /// images or documents a tool returned follow the run of tool messages in one user message, each group
    /// introduced by a text part naming its tool call, because tool messages must directly follow the assistant
    /// message whose calls they answer.</item>
    /// <item>Tools are <c>{type:"function",function:{name,description,parameters}}</c>; <c>tools</c> is left out
    /// when there are none.</item>
    /// </list>
    /// </remarks>
    /// <param name="promptCacheKey">Send the session id as <c>prompt_cache_key</c> (a caller's own, forwarded from /v1, wins).</param>
    /// <param name="reasoningEffort">Send /chat's reasoningEffort as <c>reasoning_effort</c> (a /v1 caller's own goes verbatim instead).</param>
    internal static byte[] WriteRequestBody(ModelTurnRequest request, bool promptCacheKey = false, bool reasoningEffort = true)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("model"u8, request.Model);
            json.WriteBoolean("stream"u8, true);
            json.WriteStartObject("stream_options"u8);
            json.WriteBoolean("include_usage"u8, true);
            json.WriteEndObject();

            json.WriteStartArray("messages"u8);
            var messages = request.Messages;
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                switch (message.Role)
                {
                    case ChatRole.System:
                        json.WriteStartObject();
                        json.WriteString("role"u8, "system"u8);
                        json.WriteString("content"u8, ProviderJson.JoinText(message.Content));
                        json.WriteEndObject();
                        break;
                    case ChatRole.User:
                        json.WriteStartObject();
                        json.WriteString("role"u8, "user"u8);
                        json.WritePropertyName("content"u8);
                        OpenAiContent.Write(json, message.Content, OpenAiApi.ChatCompletions);
                        json.WriteEndObject();
                        break;
                    case ChatRole.Assistant:
                        WriteAssistant(json, message);
                        break;
                    case ChatRole.Tool:
                        i = OpenAiContent.WriteToolRun(json, messages, i, OpenAiApi.ChatCompletions) - 1;
                        break;
                }
            }
            json.WriteEndArray();

            WriteOptions(json, request.Options, request.Tools.Count > 0, promptCacheKey ? request.SessionId : null, reasoningEffort ? OwnReasoningEffort(request.Options) : null);
            if (request.Tools.Count > 0)
            {
                json.WriteStartArray("tools"u8);
                foreach (var tool in request.Tools)
                {
                    json.WriteStartObject();
                    json.WriteString("type"u8, "function"u8);
                    json.WriteStartObject("function"u8);
                    json.WriteString("name"u8, tool.Name);
                    json.WriteString("description"u8, tool.Description);
                    json.WritePropertyName("parameters"u8);
                    tool.ParametersSchema.WriteTo(json);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The caller's sampling and limits, under OpenAI's names; what is unset is left out.</summary>
    private static void WriteOptions(Utf8JsonWriter json, TurnOptions options, bool hasTools, string? cacheKey, ReasoningEffort? reasoningEffort)
    {
        if (options.Temperature is { } temperature)
        {
            json.WriteNumber("temperature"u8, temperature);
        }
        if (options.TopP is { } topP)
        {
            json.WriteNumber("top_p"u8, topP);
        }
        if (options.MaxTokens is { } maxTokens)
        {
            json.WriteNumber(options.MaxTokensNamedMaxCompletionTokens ? "max_completion_tokens"u8 : "max_tokens"u8, maxTokens);
        }
        if (options.Stop.Count > 0)
        {
            ProviderJson.WriteStringArray(json, "stop"u8, options.Stop);
        }
        if (options.User is { } user)
        {
            json.WriteString("user"u8, user);
        }
        foreach (var (name, value) in options.OpenAiFields)
        {
            json.WritePropertyName(name);
            value.WriteTo(json);
        }
        if (reasoningEffort is { } effort)
        {
            json.WriteString("reasoning_effort"u8, ReasoningEffortNames.Name(effort));
        }
        // One session's turns share their prefix: keyed alike, OpenAI routes them to the machine that cached it.
        if (cacheKey is not null && !options.OpenAiFields.Any(field => field.Key == "prompt_cache_key"))
        {
            json.WriteString("prompt_cache_key"u8, cacheKey);
        }
        // tool_choice and parallel_tool_calls are refused by OpenAI when no tools are offered.
        if (!hasTools)
        {
            return;
        }
        switch (options.ToolChoice.Mode)
        {
            case ToolChoiceMode.None:
                json.WriteString("tool_choice"u8, "none"u8);
                break;
            case ToolChoiceMode.Required:
                json.WriteString("tool_choice"u8, "required"u8);
                break;
            case ToolChoiceMode.Function:
                json.WriteStartObject("tool_choice"u8);
                json.WriteString("type"u8, "function"u8);
                json.WriteStartObject("function"u8);
                json.WriteString("name"u8, options.ToolChoice.FunctionName);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
        }
        if (options.ParallelToolCalls is { } parallel)
        {
            json.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    private static void WriteAssistant(Utf8JsonWriter json, ChatMessage message)
    {
        json.WriteStartObject();
        json.WriteString("role"u8, "assistant"u8);
        var text = ProviderJson.JoinText(message.Content);
        if (text.Length == 0)
        {
            json.WriteNull("content"u8);
        }
        else
        {
            json.WriteString("content"u8, text);
        }
        if (message.ToolCalls.Count > 0)
        {
            json.WriteStartArray("tool_calls"u8);
            foreach (var call in message.ToolCalls)
            {
                json.WriteStartObject();
                json.WriteString("id"u8, call.Id);
                json.WriteString("type"u8, "function"u8);
                json.WriteStartObject("function"u8);
                json.WriteString("name"u8, call.Name);
                // Invalid arguments were answered with an error result; the history keeps {} so the upstream accepts it.
                json.WriteString("arguments"u8, call.Arguments.Utf8.Span);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }
}

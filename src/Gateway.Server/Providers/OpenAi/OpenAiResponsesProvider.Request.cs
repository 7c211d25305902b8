using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers.OpenAi;

internal sealed partial class OpenAiResponsesProvider
{
    /// <summary>
    /// The Responses request body (https://platform.openai.com/docs/api-reference/responses/create):
    /// <c>{"model","stream":true,"store":false,"include":["reasoning.encrypted_content"],"instructions"?,"input":[…],</c>
    /// the set <see cref="TurnOptions"/><c>,"tools"?:[…]}</c>.
    /// </summary>
    /// <remarks>
    /// Nothing is stored upstream (<c>store:false</c>), so reasoning comes back encrypted and goes into the next turn's
    /// input, id-less, before the items it preceded (an <c>rs_</c> id that was not stored is refused).
    /// <list type="bullet">
    /// <item>System messages are joined (blank line between) into <c>instructions</c>.</item>
    /// <item>User content is a string when all text, else <c>input_text</c>, <c>input_image</c> (data or http(s) URL,
    /// with <c>detail</c>) and <c>input_file</c> (<c>file_data</c> data URL and a <c>filename</c>) parts; a textual
    /// document is its decoded text.</item>
    /// <item>An assistant message is its <c>reasoning</c> items, its text as <c>{"role":"assistant","content"}</c>, then a
    /// <c>function_call</c> item per call (<c>call_id</c>, <c>arguments</c> as a JSON string).</item>
    /// <item>A tool message is a <c>function_call_output</c> of its text; images or files it returned follow its run in one
    /// user message, each group introduced by a text naming its call, as the chat provider does.</item>
    /// <item>Tools are flat: <c>{"type":"function","name","description","parameters"}</c>.</item>
    /// </list>
    /// </remarks>
    /// <param name="promptCacheKey">Send the session id as <c>prompt_cache_key</c>.</param>
    /// <param name="reasoning">Ask for reasoning: <c>include</c> its encrypted items, and <c>reasoning</c> when an effort is set.</param>
    internal static byte[] WriteRequestBody(ModelTurnRequest request, bool promptCacheKey = false, bool reasoning = true)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("model"u8, request.Model);
            json.WriteBoolean("stream"u8, true);
            json.WriteBoolean("store"u8, false);
            if (reasoning)
            {
                json.WriteStartArray("include"u8);
                json.WriteStringValue("reasoning.encrypted_content"u8);
                json.WriteEndArray();
            }
            var instructions = string.Join("\n\n", request.Messages.Where(m => m.Role == ChatRole.System).Select(m => ProviderJson.JoinText(m.Content)));
            if (instructions.Length > 0)
            {
                json.WriteString("instructions"u8, instructions);
            }

            json.WriteStartArray("input"u8);
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
                        OpenAiContent.Write(json, message.Content, OpenAiApi.Responses);
                        json.WriteEndObject();
                        break;
                    case ChatRole.Assistant:
                        WriteAssistant(json, message);
                        break;
                    case ChatRole.Tool:
                        i = OpenAiContent.WriteToolRun(json, messages, i, OpenAiApi.Responses) - 1;
                        break;
                }
            }
            json.WriteEndArray();

            WriteOptions(json, request, promptCacheKey, reasoning);
            if (request.Tools.Count > 0)
            {
                json.WriteStartArray("tools"u8);
                foreach (var tool in request.Tools)
                {
                    json.WriteStartObject();
                    json.WriteString("type"u8, "function"u8);
                    json.WriteString("name"u8, tool.Name);
                    json.WriteString("description"u8, tool.Description);
                    json.WritePropertyName("parameters"u8);
                    tool.ParametersSchema.WriteTo(json);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Sampling, limits, tool choice, reasoning, the cache key and the text format under the Responses API's names; what is unset is left out.</summary>
    private static void WriteOptions(Utf8JsonWriter json, ModelTurnRequest request, bool promptCacheKey, bool reasoning)
    {
        var options = request.Options;
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
            json.WriteNumber("max_output_tokens"u8, maxTokens);
        }
        if (options.User is { } user)
        {
            json.WriteString("user"u8, user);
        }
        if (options.ReasoningEffort is { } effort && reasoning)
        {
            // "auto" asks for the most detailed summary the model offers, which becomes the reasoning events.
            json.WriteStartObject("reasoning"u8);
            json.WriteString("effort"u8, ReasoningEffortNames.Name(effort));
            json.WriteString("summary"u8, "auto"u8);
            json.WriteEndObject();
        }
        if (promptCacheKey && request.SessionId is { } session)
        {
            json.WriteString("prompt_cache_key"u8, session);
        }
        if (options.ResponseFormat is { } format)
        {
            WriteTextFormat(json, format);
        }
        if (request.Tools.Count == 0)
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
                json.WriteString("name"u8, options.ToolChoice.FunctionName);
                json.WriteEndObject();
                break;
        }
        if (options.ParallelToolCalls is { } parallel)
        {
            json.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    /// <summary>
    /// <c>text.format</c>: <c>{"type":"json_object"}</c>, or the chat API's <c>json_schema</c> object flattened into it
    /// (<c>{"type":"json_schema","name","description"?,"schema","strict"?}</c>, openai-python ResponseFormatTextJSONSchemaConfig).
    /// </summary>
    private static void WriteTextFormat(Utf8JsonWriter json, ResponseFormat format)
    {
        json.WriteStartObject("text"u8);
        json.WriteStartObject("format"u8);
        if (format.Name is not { } name)
        {
            json.WriteString("type"u8, "json_object"u8);
        }
        else
        {
            json.WriteString("type"u8, "json_schema"u8);
            json.WriteString("name"u8, name);
            if (format.Description is { } description)
            {
                json.WriteString("description"u8, description);
            }
            if (format.Schema is { } schema)
            {
                json.WritePropertyName("schema"u8);
                schema.WriteTo(json);
            }
            if (format.Strict is { } strict)
            {
                json.WriteBoolean("strict"u8, strict);
            }
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteAssistant(Utf8JsonWriter json, ChatMessage message)
    {
        foreach (var item in message.Reasoning)
        {
            if (item.Source != ReasoningSource.OpenAiResponses)
            {
                continue;
            }
            json.WriteStartObject();
            json.WriteString("type"u8, "reasoning"u8);
            json.WriteStartArray("summary"u8);
            if (!string.IsNullOrEmpty(item.Text))
            {
                json.WriteStartObject();
                json.WriteString("type"u8, "summary_text"u8);
                json.WriteString("text"u8, item.Text);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("encrypted_content"u8, item.EncryptedContent);
            json.WriteEndObject();
        }
        var text = ProviderJson.JoinText(message.Content);
        if (text.Length > 0)
        {
            json.WriteStartObject();
            json.WriteString("role"u8, "assistant"u8);
            json.WriteString("content"u8, text);
            json.WriteEndObject();
        }
        foreach (var call in message.ToolCalls)
        {
            json.WriteStartObject();
            json.WriteString("type"u8, "function_call"u8);
            json.WriteString("call_id"u8, call.Id);
            json.WriteString("name"u8, call.Name);
            // Invalid arguments were answered with an error result; the history keeps {} so the upstream accepts it.
            json.WriteString("arguments"u8, call.Arguments.Utf8.Span);
            json.WriteEndObject();
        }
    }
}

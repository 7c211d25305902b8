using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Endpoints.OpenAi;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>
/// The <c>response</c> object and its output items (https://platform.openai.com/docs/api-reference/responses/object),
/// with every field openai-python's <c>types/responses/response.py</c> requires, the request's settings echoed.
/// </summary>
internal static class ResponseJson
{
    /// <param name="response">The turn so far: its items while in progress are left out (the stream's first events list none).</param>
    public static void WriteResponse(Utf8JsonWriter json, ResponseBuilder response, ResponseStatus status)
    {
        var request = response.Request;
        json.WriteStartObject();
        json.WriteString("id"u8, response.Identity.Id);
        json.WriteString("object"u8, "response"u8);
        json.WriteNumber("created_at"u8, response.Identity.CreatedAt);
        json.WriteString("status"u8, StatusName(status));
        json.WriteBoolean("background"u8, false);
        if (status == ResponseStatus.Failed && response.Failure is { } failure)
        {
            json.WriteStartObject("error"u8);
            json.WriteString("code"u8, failure.StatusCode == 429 ? "rate_limit_exceeded"u8 : "server_error"u8);
            json.WriteString("message"u8, failure.Message);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("error"u8);
        }
        if (status == ResponseStatus.Incomplete)
        {
            json.WriteStartObject("incomplete_details"u8);
            json.WriteString("reason"u8, response.Finish == FinishReason.ContentFilter ? "content_filter"u8 : "max_output_tokens"u8);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("incomplete_details"u8);
        }
        json.WriteString("instructions"u8, request.Instructions);
        WriteNumberOrNull(json, "max_output_tokens"u8, request.MaxOutputTokens);
        json.WriteString("model"u8, request.Model);
        json.WriteStartArray("output"u8);
        if (status != ResponseStatus.InProgress)
        {
            foreach (var item in response.Items)
            {
                WriteItem(json, item, status);
            }
        }
        json.WriteEndArray();
        json.WriteBoolean("parallel_tool_calls"u8, request.ParallelToolCalls);
        json.WriteString("previous_response_id"u8, request.PreviousResponseId);
        WriteEcho(json, "reasoning"u8, request.Reasoning, """{"effort":null,"summary":null}"""u8);
        json.WriteBoolean("store"u8, request.Store);
        WriteNumberOrNull(json, "temperature"u8, request.Temperature);
        WriteEcho(json, "text"u8, request.Text, """{"format":{"type":"text"}}"""u8);
        WriteEcho(json, "tool_choice"u8, request.ToolChoice, "\"auto\""u8);
        WriteEcho(json, "tools"u8, request.Tools, "[]"u8);
        WriteNumberOrNull(json, "top_p"u8, request.TopP);
        json.WriteString("truncation"u8, "disabled"u8);
        if (status is ResponseStatus.Completed or ResponseStatus.Incomplete)
        {
            WriteUsage(json, response.Tokens, request.Provider.CountsCachedInputApart);
        }
        else
        {
            json.WriteNull("usage"u8);
        }
        json.WriteString("user"u8, request.User);
        WriteEcho(json, "metadata"u8, request.Metadata, "{}"u8);
        json.WriteEndObject();
    }

    /// <summary>An item as it is when done: <c>completed</c>, or <c>incomplete</c> in a response that is not.</summary>
    public static void WriteItem(Utf8JsonWriter json, OutputItem item, ResponseStatus response)
    {
        var status = response == ResponseStatus.Completed ? "completed"u8 : "incomplete"u8;
        json.WriteStartObject();
        json.WriteString("id"u8, item.Id);
        switch (item)
        {
            case MessageOutput message:
                json.WriteString("type"u8, "message"u8);
                json.WriteString("status"u8, status);
                json.WriteStartArray("content"u8);
                WriteTextPart(json, message.Text.WrittenMemory.Span);
                json.WriteEndArray();
                json.WriteString("role"u8, "assistant"u8);
                break;
            case ReasoningOutput reasoning:
                json.WriteString("type"u8, "reasoning"u8);
                json.WriteStartArray("summary"u8);
                if (reasoning.Summary.WrittenCount > 0)
                {
                    WriteSummaryPart(json, reasoning.Summary.WrittenMemory.Span);
                }
                json.WriteEndArray();
                if (reasoning.Item is { } kept && ReasoningCarrier.EncryptedContent(kept) is { } encrypted)
                {
                    json.WriteString("encrypted_content"u8, encrypted);
                }
                break;
            case CallOutput call:
                json.WriteString("type"u8, "function_call"u8);
                json.WriteString("status"u8, status);
                WriteArguments(json, call);
                json.WriteString("call_id"u8, call.CallId);
                json.WriteString("name"u8, call.Name);
                break;
        }
        json.WriteEndObject();
    }

    /// <summary>An item as it starts: empty, <c>in_progress</c>.</summary>
    public static void WriteStartedItem(Utf8JsonWriter json, OutputItem item)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, item.Id);
        switch (item)
        {
            case MessageOutput:
                json.WriteString("type"u8, "message"u8);
                json.WriteString("status"u8, "in_progress"u8);
                json.WriteStartArray("content"u8);
                json.WriteEndArray();
                json.WriteString("role"u8, "assistant"u8);
                break;
            case ReasoningOutput:
                json.WriteString("type"u8, "reasoning"u8);
                json.WriteStartArray("summary"u8);
                json.WriteEndArray();
                break;
            case CallOutput call:
                json.WriteString("type"u8, "function_call"u8);
                json.WriteString("status"u8, "in_progress"u8);
                json.WriteString("arguments"u8, ""u8);
                json.WriteString("call_id"u8, call.CallId);
                json.WriteString("name"u8, call.Name);
                break;
        }
        json.WriteEndObject();
    }

    /// <summary><c>{"type":"output_text","annotations":[],"logprobs":[],"text"}</c>.</summary>
    public static void WriteTextPart(Utf8JsonWriter json, ReadOnlySpan<byte> text)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "output_text"u8);
        json.WriteStartArray("annotations"u8);
        json.WriteEndArray();
        json.WriteStartArray("logprobs"u8);
        json.WriteEndArray();
        json.WriteString("text"u8, text);
        json.WriteEndObject();
    }

    public static void WriteSummaryPart(Utf8JsonWriter json, ReadOnlySpan<byte> text)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "summary_text"u8);
        json.WriteString("text"u8, text);
        json.WriteEndObject();
    }

    /// <summary><c>"arguments":"…"</c>; a call whose arguments were not a JSON object goes back as the model wrote it.</summary>
    public static void WriteArguments(Utf8JsonWriter json, CallOutput call)
    {
        if (call.Call is { } complete)
        {
            CompletionJson.WriteArguments(json, complete);
        }
        else
        {
            json.WriteString("arguments"u8, ""u8);
        }
    }

    /// <summary>
    /// <c>usage</c>: <c>input_tokens</c> counts every input token, cached or not, as OpenAI's does (cache reads and
    /// writes added where the provider counts them apart); the providers report no reasoning tokens apart, so 0.
    /// </summary>
    private static void WriteUsage(Utf8JsonWriter json, TokenUsage usage, bool inputExcludesCache)
    {
        var input = CompletionJson.InputTokens(usage, inputExcludesCache);
        json.WriteStartObject("usage"u8);
        json.WriteNumber("input_tokens"u8, input);
        json.WriteStartObject("input_tokens_details"u8);
        json.WriteNumber("cached_tokens"u8, usage.CacheReadTokens ?? 0);
        json.WriteEndObject();
        json.WriteNumber("output_tokens"u8, usage.OutputTokens);
        json.WriteStartObject("output_tokens_details"u8);
        json.WriteNumber("reasoning_tokens"u8, 0);
        json.WriteEndObject();
        json.WriteNumber("total_tokens"u8, input + usage.OutputTokens);
        json.WriteEndObject();
    }

    private static ReadOnlySpan<byte> StatusName(ResponseStatus status) => status switch
    {
        ResponseStatus.InProgress => "in_progress"u8,
        ResponseStatus.Incomplete => "incomplete"u8,
        ResponseStatus.Failed => "failed"u8,
        _ => "completed"u8,
    };

    /// <summary>A setting as the caller sent it, or the API's default for it.</summary>
    private static void WriteEcho(Utf8JsonWriter json, ReadOnlySpan<byte> name, RawJson? sent, ReadOnlySpan<byte> absent)
    {
        json.WritePropertyName(name);
        json.WriteRawValue(sent is { } value ? value.Utf8.Span : absent, skipInputValidation: true);
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}

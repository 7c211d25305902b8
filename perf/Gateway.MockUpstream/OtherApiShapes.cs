namespace Gateway.MockUpstream;

/// <summary>
/// The mock's text turn in the two APIs beside chat completions, as SSE events (each with its blank line) and whole
/// answers: what scenario 6 needs for Portkey, which relays these doors only to upstreams of the same API.
/// </summary>
/// <remarks>
/// Anthropic's stream (https://docs.anthropic.com/en/api/messages-streaming): <c>message_start</c>,
/// <c>content_block_start</c>, <c>ping</c>, a <c>text_delta</c> per chunk, <c>content_block_stop</c>,
/// <c>message_delta</c> with the usage, <c>message_stop</c>. The Responses API's (openai-python
/// <c>types/responses/response_stream_event.py</c>): <c>response.created</c>, <c>response.in_progress</c>, the message
/// item and its <c>output_text</c> part added, a <c>response.output_text.delta</c> per chunk, then the text, part and
/// item done, and <c>response.completed</c> with the usage, every event numbered by <c>sequence_number</c>.
/// Every <c>model</c>, <c>text</c> (one chunk) and <c>joined</c> (the whole text) argument comes JSON-escaped.
/// </remarks>
public static class OtherApiShapes
{
    private const string MessageId = "msg_mock";
    private const string ResponseId = "resp_mock";
    private const string ItemId = "msg_mock_item";

    public static List<string> MessagesStream(string model, string text, int chunks)
    {
        var events = new List<string>
        {
            Event("message_start", $"{{\"type\":\"message_start\",\"message\":{{\"id\":\"{MessageId}\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"{model}\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{{\"input_tokens\":10,\"output_tokens\":1}}}}}}"),
            Event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
            Event("ping", "{\"type\":\"ping\"}"),
        };
        for (var i = 0; i < chunks; i++)
        {
            events.Add(Event("content_block_delta", $"{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{text}\"}}}}"));
        }
        events.Add(Event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        events.Add(Event("message_delta", $"{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{chunks}}}}}"));
        events.Add(Event("message_stop", "{\"type\":\"message_stop\"}"));
        return events;
    }

    public static string Message(string model, string joined, int chunks) =>
        $"{{\"id\":\"{MessageId}\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"{model}\",\"content\":[{{\"type\":\"text\",\"text\":\"{joined}\"}}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{{\"input_tokens\":10,\"output_tokens\":{chunks}}}}}";

    public static List<string> ResponsesStream(string model, string text, string joined, int chunks)
    {
        var sequence = 0;
        string Next(string type, string rest) => Event(type, $"{{\"type\":\"{type}\",\"sequence_number\":{sequence++},{rest}}}");
        const string Part = "\"item_id\":\"" + ItemId + "\",\"output_index\":0,\"content_index\":0";
        var events = new List<string>
        {
            Next("response.created", $"\"response\":{ResponseObject(model, "in_progress", "[]", "null")}"),
            Next("response.in_progress", $"\"response\":{ResponseObject(model, "in_progress", "[]", "null")}"),
            Next("response.output_item.added", $"\"output_index\":0,\"item\":{{\"id\":\"{ItemId}\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}"),
            Next("response.content_part.added", $"{Part},\"part\":{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}}"),
        };
        for (var i = 0; i < chunks; i++)
        {
            events.Add(Next("response.output_text.delta", $"{Part},\"delta\":\"{text}\""));
        }
        events.Add(Next("response.output_text.done", $"{Part},\"text\":\"{joined}\""));
        events.Add(Next("response.content_part.done", $"{Part},\"part\":{OutputText(joined)}"));
        events.Add(Next("response.output_item.done", $"\"output_index\":0,\"item\":{MessageItem(joined)}"));
        events.Add(Next("response.completed", $"\"response\":{ResponseObject(model, "completed", $"[{MessageItem(joined)}]", Usage(chunks))}"));
        return events;
    }

    public static string Response(string model, string joined, int chunks) =>
        ResponseObject(model, "completed", $"[{MessageItem(joined)}]", Usage(chunks));

    private static string ResponseObject(string model, string status, string output, string usage) =>
        $"{{\"id\":\"{ResponseId}\",\"object\":\"response\",\"created_at\":0,\"status\":\"{status}\",\"error\":null,\"incomplete_details\":null,\"model\":\"{model}\",\"output\":{output},\"usage\":{usage}}}";

    private static string MessageItem(string joined) =>
        $"{{\"id\":\"{ItemId}\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{OutputText(joined)}]}}";

    private static string OutputText(string joined) => $"{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"{joined}\"}}";

    private static string Usage(int chunks) =>
        $"{{\"input_tokens\":10,\"input_tokens_details\":{{\"cached_tokens\":0}},\"output_tokens\":{chunks},\"output_tokens_details\":{{\"reasoning_tokens\":0}},\"total_tokens\":{chunks + 10}}}";

    private static string Event(string name, string data) => $"event: {name}\ndata: {data}\n\n";
}

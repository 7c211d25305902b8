using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.MockUpstream;

/// <summary>Every response the mock sends, encoded once at start-up so that serving one copies bytes and nothing else.</summary>
/// <remarks>
/// A streamed turn is an HTTP/1.1 chunked body (RFC 9112 §7.1) with one SSE event per HTTP chunk: <c>Chunks</c>
/// content deltas (the first also carries the role, the last the finish reason), one usage chunk, then
/// <c>data: [DONE]</c>, the shape OpenAI sends with <c>stream_options.include_usage</c>. <see cref="TextSegments"/>
/// splits that body at the points where <c>--gap-ms</c> pauses; <see cref="TextWhole"/> is the same bytes in one array.
/// <see cref="Messages"/> and <see cref="Responses"/> are the same text turn in the other two APIs (<see cref="OtherApiShapes"/>).
/// </remarks>
public sealed class MockResponses
{
    private const string ChunkPrefix = "data: {\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"";
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public MockResponses(MockOptions options)
    {
        var model = Json(options.Model);
        Models = Plain("200 OK", $"{{\"object\":\"list\",\"data\":[{{\"id\":\"{model}\",\"object\":\"model\"}}]}}");
        Health = Plain("200 OK", "{\"status\":\"ok\"}");
        NotFound = Plain("404 Not Found", "{\"error\":\"not found\"}");
        BadRequest = Plain("400 Bad Request", "{\"error\":\"bad request\"}");

        var text = Json(options.Text);
        var usage = Usage(options.Chunks);
        var head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";
        var events = new List<string>();
        for (var i = 0; i < Math.Max(1, options.Chunks); i++)
        {
            var role = i == 0 ? "\"role\":\"assistant\"," : "";
            var content = options.Chunks == 0 ? role.TrimEnd(',') : $"{role}\"content\":\"{text}\"";
            var finish = i == Math.Max(1, options.Chunks) - 1 ? "\"stop\"" : "null";
            events.Add($"{ChunkPrefix}{model}\",\"choices\":[{{\"index\":0,\"delta\":{{{content}}},\"finish_reason\":{finish}}}]}}\n\n");
        }
        var tail = $"{ChunkPrefix}{model}\",\"choices\":[],\"usage\":{usage}}}\n\n";
        TextSegments = Segments(head, events, HttpChunk(tail) + HttpChunk("data: [DONE]\n\n"));
        TextWhole = [.. TextSegments.SelectMany(s => s)];

        var toolEvents = new List<string>();
        var toolArgs = Json(options.ToolArgs);
        for (var i = 0; i < options.ToolCalls; i++)
        {
            var role = i == 0 ? "\"role\":\"assistant\",\"content\":null," : "";
            var finish = i == options.ToolCalls - 1 ? "\"tool_calls\"" : "null";
            toolEvents.Add($"{ChunkPrefix}{model}\",\"choices\":[{{\"index\":0,\"delta\":{{{role}\"tool_calls\":[{{\"index\":{i},\"id\":\"call_{i}\",\"type\":\"function\",\"function\":{{\"name\":\"{Json(options.ToolName)}\",\"arguments\":\"{toolArgs}\"}}}}]}},\"finish_reason\":{finish}}}]}}\n\n");
        }
        ToolSegments = options.ToolCalls == 0
            ? TextSegments
            : Segments(head, toolEvents, HttpChunk($"{ChunkPrefix}{model}\",\"choices\":[],\"usage\":{Usage(options.ToolCalls)}}}\n\n") + HttpChunk("data: [DONE]\n\n"));
        ToolWhole = [.. ToolSegments.SelectMany(s => s)];

        var joined = Json(string.Concat(Enumerable.Repeat(options.Text, options.Chunks)));
        TextCompletion = Plain("200 OK", Completion(model, $"\"content\":\"{joined}\"", "stop", usage));
        var calls = string.Join(',', Enumerable.Range(0, options.ToolCalls).Select(i =>
            $"{{\"id\":\"call_{i}\",\"type\":\"function\",\"function\":{{\"name\":\"{Json(options.ToolName)}\",\"arguments\":\"{toolArgs}\"}}}}"));
        ToolCompletion = options.ToolCalls == 0
            ? TextCompletion
            : Plain("200 OK", Completion(model, $"\"content\":null,\"tool_calls\":[{calls}]", "tool_calls", Usage(options.ToolCalls)));

        var chunks = options.Chunks;
        Messages = Turn(head, OtherApiShapes.MessagesStream(model, text, chunks), Plain("200 OK", OtherApiShapes.Message(model, joined, chunks)));
        Responses = Turn(head, OtherApiShapes.ResponsesStream(model, text, joined, chunks), Plain("200 OK", OtherApiShapes.Response(model, joined, chunks)));
    }

    public byte[] Models { get; }
    public byte[] Health { get; }
    public byte[] NotFound { get; }
    public byte[] BadRequest { get; }

    /// <summary>A streamed text turn cut where the gaps go: head + first chunk, one array per further chunk, the last with usage, [DONE] and the terminator.</summary>
    public byte[][] TextSegments { get; }
    public byte[] TextWhole { get; }
    public byte[][] ToolSegments { get; }
    public byte[] ToolWhole { get; }
    public byte[] TextCompletion { get; }
    public byte[] ToolCompletion { get; }

    /// <summary>The text turn in Anthropic's Messages API (<c>POST /v1/messages</c>).</summary>
    public MockTurn Messages { get; }

    /// <summary>The text turn in OpenAI's Responses API (<c>POST /v1/responses</c>).</summary>
    public MockTurn Responses { get; }

    private static MockTurn Turn(string head, List<string> events, byte[] answer)
    {
        var last = events[^1];
        events.RemoveAt(events.Count - 1);
        var segments = Segments(head, events, HttpChunk(last));
        return new MockTurn(segments, [.. segments.SelectMany(s => s)], answer);
    }

    private static string Json(string value) => JsonEncodedText.Encode(value, s_encoder).ToString();

    private static string Usage(int completionTokens) =>
        $"{{\"prompt_tokens\":10,\"completion_tokens\":{completionTokens},\"total_tokens\":{completionTokens + 10}}}";

    private static string Completion(string model, string message, string finish, string usage) =>
        $"{{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"{model}\",\"choices\":[{{\"index\":0,\"message\":{{\"role\":\"assistant\",{message}}},\"finish_reason\":\"{finish}\"}}],\"usage\":{usage}}}";

    private static byte[] Plain(string status, string body) => Encoding.UTF8.GetBytes(
        $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    /// <summary>One array per event (the first after the head); <paramref name="ending"/> (HTTP chunks) and the terminator follow the last.</summary>
    private static byte[][] Segments(string head, List<string> events, string ending)
    {
        // Identical middle chunks share one array: a 10,000-chunk turn costs one chunk of memory.
        var cache = new Dictionary<string, byte[]>();
        var segments = new byte[events.Count][];
        for (var i = 0; i < events.Count; i++)
        {
            var text = HttpChunk(events[i]);
            if (i == 0)
            {
                text = head + text;
            }
            if (i == events.Count - 1)
            {
                text += ending + "0\r\n\r\n";
            }
            if (!cache.TryGetValue(text, out var bytes))
            {
                cache[text] = bytes = Encoding.UTF8.GetBytes(text);
            }
            segments[i] = bytes;
        }
        return segments;
    }

    private static string HttpChunk(string data) =>
        Encoding.UTF8.GetByteCount(data).ToString("x", CultureInfo.InvariantCulture) + "\r\n" + data + "\r\n";
}

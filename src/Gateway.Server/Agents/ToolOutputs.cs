using System.Buffers;
using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>The <c>output</c> objects of tool_result (SPEC §5) and the tool message content the model sees (SPEC §6).</summary>
internal static class ToolOutputs
{
    /// <summary><c>{"status":"denied","reason"?}</c>.</summary>
    public static RawJson Denied(string? reason) => Write(json =>
    {
        json.WriteString("status"u8, "denied"u8);
        if (reason is not null)
        {
            json.WriteString("reason"u8, reason);
        }
    });

    /// <summary><c>{"error": message}</c>.</summary>
    public static RawJson Error(string message) => Write(json => json.WriteString("error"u8, message));

    /// <summary><c>{"context"?, "result"?}</c>, or the error form when the tool failed.</summary>
    public static RawJson From(ToolResult result) => result.Error is { } error ? Error(error) : Write(json =>
    {
        if (result.Context is { } context)
        {
            json.WriteString("context"u8, context);
        }
        if (result.Result is { } value)
        {
            json.WritePropertyName("result"u8);
            value.WriteTo(json);
        }
    });

    /// <summary>The tool message's content: the tool's context when it has one, else the output's JSON (SPEC §6).</summary>
    public static string HistoryContent(ToolResult? result, RawJson output) =>
        result is { Error: null, Context: { } context } ? context : output.ToString();

    private static RawJson Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            writeProperties(json);
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }
}

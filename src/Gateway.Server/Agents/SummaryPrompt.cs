using System.Text;
using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>
/// The prompt of <c>POST /summarize</c> (SPEC §3), the replaced API's exactly, since its clients were tuned against it:
/// an instruction as the system message, and the conversation as one user message of <c>[role]: content</c> lines.
/// </summary>
internal static class SummaryPrompt
{
    public const string Instruction =
        "Summarize the following conversation concisely. Preserve key decisions, conclusions, and important details. Output only the summary, no preamble.";

    /// <summary>
    /// One line per message, joined with a newline: a string content as it is, any other content as its JSON (the origin
    /// wrote <c>JSON.stringify(content)</c>, so parts show as an array and an assistant's null content as <c>null</c>);
    /// tool calls are not shown.
    /// </summary>
    /// <param name="messages">The request's <c>messages</c>, already validated as SPEC §3 messages.</param>
    public static string Transcript(JsonElement messages)
    {
        var lines = new StringBuilder();
        foreach (var message in messages.EnumerateArray())
        {
            if (lines.Length > 0)
            {
                lines.Append('\n');
            }
            lines.Append('[').Append(message.GetProperty("role").GetString()).Append("]: ");
            if (!message.TryGetProperty("content", out var content))
            {
                // JSON.stringify(undefined), as the origin's template literal printed it.
                lines.Append("undefined");
            }
            else if (content.ValueKind == JsonValueKind.String)
            {
                lines.Append(content.GetString());
            }
            else
            {
                lines.Append(RawJson.FromElement(content).ToString());
            }
        }
        return lines.ToString();
    }
}

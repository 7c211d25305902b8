using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers;

/// <summary>One tool call while its fragments stream in: id and name once, the arguments' JSON text piece by piece.</summary>
internal sealed class ToolCallBuffer
{
    private readonly StringBuilder _arguments = new();

    public string? Id { get; set; }

    public string? Name { get; set; }

    /// <summary>Arguments the call started with (Anthropic's <c>content_block_start.input</c>); used when no fragment follows.</summary>
    public RawJson? InitialArguments { get; set; }

    public void AppendArguments(string fragment) => _arguments.Append(fragment);

    /// <summary>
    /// The finished call. No argument text means no arguments (<c>{}</c>); text that is not one JSON object
    /// is kept in <see cref="ToolCallRequest.InvalidArguments"/> for the agent loop to report (SPEC §6).
    /// A missing id (some local servers omit it) is replaced by a fresh unique one.
    /// </summary>
    public ToolCallRequest Complete()
    {
        var id = string.IsNullOrEmpty(Id) ? "call_" + Guid.NewGuid().ToString("N")[..24] : Id;
        var name = Name ?? "";
        var text = _arguments.ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ToolCallRequest(id, name, InitialArguments ?? RawJson.EmptyObject);
        }
        try
        {
            var arguments = RawJson.Parse(text);
            if (arguments.Utf8.Span[0] == (byte)'{')
            {
                return new ToolCallRequest(id, name, arguments);
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }
        return new ToolCallRequest(id, name, RawJson.EmptyObject) { InvalidArguments = text };
    }
}

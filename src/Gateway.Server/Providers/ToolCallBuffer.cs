using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers;

/// <summary>One tool call while its fragments stream in: id and name once, the arguments' JSON text piece by piece.</summary>
/// <param name="index">The call's number in its turn, as the provider gave it (OpenAI's call index, Anthropic's block index).</param>
internal sealed class ToolCallBuffer(int index)
{
    private readonly StringBuilder _arguments = new();
    private bool _started;
    private bool _replaced;

    public int Index => index;

    public string? Id { get; set; }

    public string? Name { get; set; }

    /// <summary>The JSON the call started with, as sent (Anthropic's <c>content_block_start.input</c>); used when no fragment follows.</summary>
    public byte[]? InitialArguments { get; set; }

    /// <summary>
    /// Takes a fragment of the arguments (or none) and passes on what is new for callers that stream calls: the call's
    /// start once its name is known, with the argument text so far, then each later fragment as it comes.
    /// </summary>
    /// <param name="replaced">Whether the fragment's string was not valid text and was read with U+FFFD in its place.</param>
    public void Append(string? fragment, bool replaced, ITurnSink sink)
    {
        _replaced |= replaced;
        if (!string.IsNullOrEmpty(fragment))
        {
            _arguments.Append(fragment);
        }
        if (_started)
        {
            if (!string.IsNullOrEmpty(fragment))
            {
                sink.ToolArguments(index, fragment);
            }
            return;
        }
        if (Name is null)
        {
            return;
        }
        // A streaming caller needs the id now; the completed call keeps the same one.
        Id ??= NewId();
        _started = true;
        sink.ToolCallStarted(index, Id, Name);
        if (_arguments.Length > 0)
        {
            sink.ToolArguments(index, _arguments.ToString());
        }
    }

    /// <summary>Hands the finished call to <paramref name="sink"/>.</summary>
    public void Complete(ITurnSink sink) => sink.ToolCalled(Complete(), index);

    /// <summary>
    /// The finished call. No argument text means no arguments (<c>{}</c>); arguments that are not one JSON object, or
    /// whose text a tool could not read, are kept in <see cref="ToolCallRequest.InvalidArguments"/> for the agent loop
    /// to report (SPEC §6). A missing id (some local servers omit it) is replaced by a fresh unique one.
    /// </summary>
    private ToolCallRequest Complete()
    {
        var id = string.IsNullOrEmpty(Id) ? NewId() : Id;
        var name = Name ?? "";
        var text = _arguments.ToString();
        if (!string.IsNullOrWhiteSpace(text))
        {
            return WithArguments(id, name, Encoding.UTF8.GetBytes(text));
        }
        return InitialArguments is { } initial ? WithArguments(id, name, initial) : new ToolCallRequest(id, name, RawJson.EmptyObject);
    }

    private ToolCallRequest WithArguments(string id, string name, byte[] json)
    {
        // A tool must not run on text the model did not write (a fragment read with U+FFFD) or cannot read (RFC 8259 §8.1, §8.2).
        if (_replaced || !JsonText.IsReadable(json))
        {
            return new ToolCallRequest(id, name, RawJson.EmptyObject) { InvalidArguments = Encoding.UTF8.GetString(json), InvalidReason = ToolCallRequest.NotText };
        }
        try
        {
            var arguments = RawJson.Parse(json);
            if (arguments.Utf8.Span[0] == (byte)'{')
            {
                return new ToolCallRequest(id, name, arguments);
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }
        return new ToolCallRequest(id, name, RawJson.EmptyObject) { InvalidArguments = Encoding.UTF8.GetString(json) };
    }

    private static string NewId() => "call_" + Guid.NewGuid().ToString("N")[..24];
}

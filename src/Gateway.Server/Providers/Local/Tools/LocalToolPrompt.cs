using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>
/// The text that offers tools to a local model and replays its calls and their results, in its family's words (the
/// published chat templates: Qwen 2.5 for Hermes, Llama 3.1's JSON tool calling, Mistral v3); the fallback is a
/// three-line version of Hermes, since small models have little context.
/// </summary>
internal static class LocalToolPrompt
{
    private const string HermesIntro = "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
        + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";

    private const string HermesOutro = "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
        + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";

    private const string Llama3Intro = "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n"
        + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n";

    private const string FallbackOutro = "</tools>\nTo call one, answer only <tool_call>\n{\"name\": <tool name>, \"arguments\": <arguments object>}\n</tool_call>";

    private const int MistralIdLength = 9;

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The text offering <paramref name="tools"/>: a system message's (Hermes, fallback), or what precedes a user's words (Llama 3.1's first, Mistral's last).</summary>
    public static string Offer(LocalToolFamily family, IReadOnlyList<ToolDefinition> tools)
    {
        var text = new StringBuilder();
        switch (family)
        {
            case LocalToolFamily.Hermes:
                text.Append(HermesIntro);
                foreach (var tool in tools)
                {
                    text.Append('\n').Append(ToolJson(tool));
                }
                return text.Append(HermesOutro).ToString();
            case LocalToolFamily.Llama3:
                text.Append(Llama3Intro);
                foreach (var tool in tools)
                {
                    text.Append(ToolJson(tool)).Append("\n\n");
                }
                return text.ToString();
            case LocalToolFamily.Mistral:
                return text.Append("[AVAILABLE_TOOLS] [").AppendJoin(", ", tools.Select(ToolJson)).Append("][/AVAILABLE_TOOLS]").ToString();
            default:
                text.Append("Tools: <tools>");
                foreach (var tool in tools)
                {
                    text.Append(ToolJson(tool)).Append('\n');
                }
                return text.Append(FallbackOutro).ToString();
        }
    }

    /// <summary>What a required call's answer starts with, written at the end of the prompt: the text <see cref="ToolCallGrammar"/> continues.</summary>
    public static string Begun(LocalToolFamily family) => family switch
    {
        LocalToolFamily.Llama3 => "",
        LocalToolFamily.Mistral => "[TOOL_CALLS]",
        _ => "<tool_call>\n",
    };

    /// <summary>
    /// An assistant's calls in the syntax <see cref="ToolCallGrammar"/> makes the model write, arguments compact as the
    /// grammar holds them: the text the model wrote, so a kept KV sequence can cover it when the history comes back
    /// (up to Mistral's ids, which the model does not write, and to tokens the model spelled unlike the tokenizer).
    /// </summary>
    public static string Calls(LocalToolFamily family, IReadOnlyList<ToolCallRequest> calls) => family switch
    {
        LocalToolFamily.Llama3 => string.Join('\n', calls.Select(call => $"{{\"name\": \"{call.Name}\", \"parameters\": {Arguments(call)}}}")),
        // Mistral's template writes each call's 9-character id after its arguments, and one list for all of them.
        LocalToolFamily.Mistral => $"[TOOL_CALLS] [{string.Join(", ", calls.Select(call => $"{{\"name\": \"{call.Name}\", \"arguments\": {Arguments(call)}, \"id\": \"{MistralId(call.Id)}\"}}"))}]",
        _ => string.Join('\n', calls.Select(call => $"<tool_call>\n{{\"name\": \"{call.Name}\", \"arguments\": {Arguments(call)}}}\n</tool_call>")),
    };

    /// <summary>A tool's result to the call <paramref name="toolCallId"/>: the role the family's template expects it in, and its text.</summary>
    public static (string Role, string Text) Result(LocalToolFamily family, string toolCallId, string result) => family switch
    {
        LocalToolFamily.Llama3 => ("ipython", result),
        // Mistral templates accept only user/assistant turns in alternation (design §1.4): the result rides in a user turn.
        LocalToolFamily.Mistral => ("user", $"[TOOL_RESULTS] {{\"content\": {PromptJson.String(result)}, \"call_id\": \"{MistralId(toolCallId)}\"}}[/TOOL_RESULTS]"),
        _ => ("user", $"<tool_response>\n{result}\n</tool_response>"),
    };

    /// <summary>
    /// The call id as Mistral's templates require it, nine letters or digits (they refuse any other): the id itself when
    /// it is one, else nine base-62 digits of its SHA-256, so a call and its result name the same id on every turn.
    /// </summary>
    public static string MistralId(string callId)
    {
        if (callId.Length == MistralIdLength && callId.All(char.IsAsciiLetterOrDigit))
        {
            return callId;
        }
        var number = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(callId)));
        return string.Create(MistralIdLength, number, static (digits, value) =>
        {
            for (var i = digits.Length - 1; i >= 0; i--)
            {
                digits[i] = Base62[(int)(value % (ulong)Base62.Length)];
                value /= (ulong)Base62.Length;
            }
        });
    }

    private static string Arguments(ToolCallRequest call) => call.InvalidArguments ?? call.Arguments.ToString();

    /// <summary>A tool as OpenAI-style function JSON, the shape every family's template prints.</summary>
    private static string ToolJson(ToolDefinition tool) => PromptJson.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", tool.Name);
        writer.WriteString("description", tool.Description);
        writer.WritePropertyName("parameters");
        tool.ParametersSchema.WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    });
}

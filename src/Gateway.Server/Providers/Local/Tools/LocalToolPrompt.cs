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

    /// <summary>The text offering <paramref name="tools"/>: a system message's (Hermes, fallback), or what precedes the user's words (Llama 3.1, Mistral).</summary>
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

    /// <summary>An assistant's call in the syntax <see cref="ToolCallGrammar"/> makes the model write (arguments compact, so spaces the model chose may differ).</summary>
    public static string Call(LocalToolFamily family, ToolCallRequest call)
    {
        var arguments = call.InvalidArguments ?? call.Arguments.ToString();
        return family switch
        {
            LocalToolFamily.Llama3 => $"{{\"name\": \"{call.Name}\", \"parameters\": {arguments}}}",
            LocalToolFamily.Mistral => $"[TOOL_CALLS] [{{\"name\": \"{call.Name}\", \"arguments\": {arguments}}}]",
            _ => $"<tool_call>\n{{\"name\": \"{call.Name}\", \"arguments\": {arguments}}}\n</tool_call>",
        };
    }

    /// <summary>A tool's result: the role the family's template expects it in, and its text.</summary>
    public static (string Role, string Text) Result(LocalToolFamily family, string result) => family switch
    {
        LocalToolFamily.Llama3 => ("ipython", result),
        // Mistral templates accept only user/assistant turns in alternation (design §1.4): the result rides in a user turn.
        LocalToolFamily.Mistral => ("user", $"[TOOL_RESULTS] {{\"content\": {PromptJson.String(result)}}}[/TOOL_RESULTS]"),
        _ => ("user", $"<tool_response>\n{result}\n</tool_response>"),
    };

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

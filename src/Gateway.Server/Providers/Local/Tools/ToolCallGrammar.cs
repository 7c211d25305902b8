using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>
/// The grammar of a turn that must call a tool, in the family's syntax, for text that starts right after the opener
/// (the prompt ends with it), or right after the opener the model wrote itself: each call's arguments follow its tool's
/// parameter schema (<see cref="JsonSchemaGrammar"/>).
/// </summary>
internal static class ToolCallGrammar
{
    /// <param name="tools">The tools a call may use (only the named one when the caller named it).</param>
    /// <param name="parallel">Whether more calls may follow the first (families that write several).</param>
    /// <param name="afterOpener">The text starts right after the opener, not after <see cref="LocalToolPrompt.Begun"/>: it may first write <see cref="Lead"/>.</param>
    public static string For(LocalToolFamily family, IReadOnlyList<ToolDefinition> tools, bool parallel, bool afterOpener = false)
    {
        var grammar = new GbnfWriter();
        var arguments = family == LocalToolFamily.Llama3 ? "parameters" : "arguments";
        var calls = new List<string>();
        foreach (var tool in tools)
        {
            using var schema = JsonDocument.Parse(tool.ParametersSchema.Utf8);
            var name = GbnfWriter.RuleName("call-" + tool.Name);
            var argumentsRule = new JsonSchemaGrammar(grammar, schema.RootElement, compact: true).Rule(schema.RootElement, name + "-args");
            calls.Add(grammar.Define(grammar.FreeName(name), $"{GbnfWriter.Literal($"{{\"name\": \"{tool.Name}\", \"{arguments}\": ")} {argumentsRule} \"}}\""));
        }
        if (calls.Count == 0)
        {
            // An empty rule would not parse, and llama.cpp aborts on such a grammar at the first sample.
            throw new ArgumentException("A required call needs at least one tool.", nameof(tools));
        }
        var call = grammar.Define("call", string.Join(" | ", calls));
        var lead = afterOpener && Lead(family).Length > 0 ? $"{GbnfWriter.Literal(Lead(family))}? " : "";
        grammar.Define("root", lead + family switch
        {
            // [TOOL_CALLS] [{…}, {…}]
            LocalToolFamily.Mistral => parallel ? $"\" [\" {call} (\", \" {call})* \"]\"" : $"\" [\" {call} \"]\"",
            LocalToolFamily.Llama3 => call,
            // <tool_call>\n{…}\n</tool_call>, one block per call.
            _ => parallel ? $"{call} \"\\n</tool_call>\" (\"\\n<tool_call>\\n\" {call} \"\\n</tool_call>\")*" : $"{call} \"\\n</tool_call>\"",
        });
        return grammar.ToString();
    }

    /// <summary>What a required call's prompt writes between the opener and the call (Hermes's newline), optional when the model writes the opener.</summary>
    /// <remarks>Optional, because the opener's last token may carry it already ("&gt;\n" is one token in many vocabularies).</remarks>
    public static string Lead(LocalToolFamily family)
    {
        var begun = LocalToolPrompt.Begun(family);
        return begun.StartsWith(family.Opener(), StringComparison.Ordinal) ? begun[family.Opener().Length..] : "";
    }
}

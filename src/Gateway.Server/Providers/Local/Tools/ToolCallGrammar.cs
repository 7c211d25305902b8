using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>
/// The grammar of a turn that must call a tool, in the family's syntax, for text that starts right after the opener
/// (the prompt ends with it): each call's arguments follow its tool's parameter schema (<see cref="JsonSchemaGrammar"/>).
/// </summary>
internal static class ToolCallGrammar
{
    /// <param name="tools">The tools a call may use (only the named one when the caller named it).</param>
    /// <param name="parallel">Whether more calls may follow the first (families that write several).</param>
    public static string For(LocalToolFamily family, IReadOnlyList<ToolDefinition> tools, bool parallel)
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
        grammar.Define("root", family switch
        {
            // [TOOL_CALLS] [{…}, {…}]
            LocalToolFamily.Mistral => parallel ? $"\" [\" {call} (\", \" {call})* \"]\"" : $"\" [\" {call} \"]\"",
            LocalToolFamily.Llama3 => call,
            // <tool_call>\n{…}\n</tool_call>, one block per call.
            _ => parallel ? $"{call} \"\\n</tool_call>\" (\"\\n<tool_call>\\n\" {call} \"\\n</tool_call>\")*" : $"{call} \"\\n</tool_call>\"",
        });
        return grammar.ToString();
    }
}

using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.Server.Endpoints.Anthropic.MessagesFields;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>
/// <c>tools</c> (<c>[{name,description?,input_schema}]</c>, client tools only) and <c>tool_choice</c>
/// (<c>{type:auto|any|tool|none,name?,disable_parallel_tool_use?}</c>) of a Messages request
/// (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use).
/// </summary>
internal static class MessagesToolParser
{
    public static IReadOnlyList<ToolDefinition> ParseTools(JsonElement root)
    {
        if (!TryGet(root, "tools", out var tools))
        {
            return [];
        }
        return tools.ValueKind == JsonValueKind.Array ? JsonArrays.ParseEach(tools, "tools", ParseTool, dotted: true) : throw Invalid("", "tools", "must be an array");
    }

    /// <summary>A client tool; Anthropic's server tools (a dated <c>type</c> such as <c>web_search_20250305</c>) run at Anthropic, not here.</summary>
    private static ToolDefinition ParseTool(JsonElement tool, string path)
    {
        if (tool.ValueKind != JsonValueKind.Object)
        {
            throw AnthropicError.InvalidRequest($"{path}: must be an object");
        }
        if (OptionalString(tool, "type", path) is { } type && type != "custom")
        {
            throw Invalid(path, "type", $"'{type}' is a server tool, which this gateway does not run; only client tools (type custom) are served");
        }
        var name = RequireString(tool, "name", path);
        var schema = RequireObject(tool, "input_schema", path);
        return new ToolDefinition(name, OptionalString(tool, "description", path) ?? "", RawJson.FromElement(schema)) { CacheControl = CacheControl(tool, path) };
    }

    /// <summary>A named tool must be one of <paramref name="tools"/>; <c>disable_parallel_tool_use</c> is OpenAI's <c>parallel_tool_calls:false</c>.</summary>
    public static (ToolChoice Choice, bool? ParallelToolCalls) ParseToolChoice(JsonElement root, IReadOnlyList<ToolDefinition> tools)
    {
        if (!TryGet(root, "tool_choice", out var choice))
        {
            return default;
        }
        if (choice.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("", "tool_choice", "must be an object");
        }
        var parsed = RequireString(choice, "type", "tool_choice") switch
        {
            "auto" => new ToolChoice(ToolChoiceMode.Auto),
            "any" => new ToolChoice(ToolChoiceMode.Required),
            "none" => new ToolChoice(ToolChoiceMode.None),
            "tool" => ToolChoice.Named(RequireString(choice, "name", "tool_choice")),
            _ => throw Invalid("tool_choice", "type", "must be one of auto, any, tool, none"),
        };
        if (parsed.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function && tools.Count == 0)
        {
            throw Invalid("", "tool_choice", "may require a tool call only when tools are given");
        }
        if (parsed.Mode == ToolChoiceMode.Function && !tools.Any(tool => tool.Name == parsed.FunctionName))
        {
            throw Invalid("tool_choice", "name", $"'{parsed.FunctionName}' is not one of the tools");
        }
        var disableParallel = Boolean(choice, "disable_parallel_tool_use", "tool_choice");
        return (parsed, disableParallel is { } disable ? !disable : null);
    }
}

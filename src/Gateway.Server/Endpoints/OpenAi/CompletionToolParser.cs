using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// <c>tools</c> (<c>[{type:"function",function:{name,description?,parameters?}}]</c>) and <c>tool_choice</c>
/// (<c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{type:"function",function:{name}}</c>) of an OpenAI request.
/// </summary>
internal static class CompletionToolParser
{
    /// <summary>What a function without <c>parameters</c> takes: nothing (OpenAI documents it so).</summary>
    private static readonly RawJson s_noParameters = RawJson.Parse("""{"type":"object","properties":{}}""");

    public static IReadOnlyList<ToolDefinition> ParseTools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw OpenAiError.InvalidRequest("tools must be an array", "tools");
        }
        return JsonArrays.ParseEach(tools, "tools", ParseTool);
    }

    private static ToolDefinition ParseTool(JsonElement tool, string path)
    {
        if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || type.GetString() != "function")
        {
            throw OpenAiError.InvalidRequest($"{path}.type must be \"function\"", $"{path}.type");
        }
        if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            throw OpenAiError.InvalidRequest($"{path}.function must be an object", $"{path}.function");
        }
        return Definition(function, $"{path}.function");
    }

    /// <summary>A function's <c>name</c>, <c>description</c> and <c>parameters</c>: chat's <c>function</c> object, a Responses API tool itself.</summary>
    internal static ToolDefinition Definition(JsonElement function, string path)
    {
        var name = function.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            && nameElement.GetString() is { Length: > 0 } named
            ? named
            : throw OpenAiError.InvalidRequest($"{path}.name must be a non-empty string", $"{path}.name");
        var description = function.TryGetProperty("description", out var descriptionElement) && descriptionElement.ValueKind == JsonValueKind.String
            ? descriptionElement.GetString()!
            : "";
        var parameters = s_noParameters;
        if (function.TryGetProperty("parameters", out var parametersElement) && parametersElement.ValueKind != JsonValueKind.Null)
        {
            parameters = parametersElement.ValueKind == JsonValueKind.Object
                ? RawJson.FromElement(parametersElement)
                : throw OpenAiError.InvalidRequest($"{path}.parameters must be a JSON Schema object", $"{path}.parameters");
        }
        return new ToolDefinition(name, description, parameters);
    }

    /// <summary>A named function must be one of <paramref name="tools"/>; any choice but auto needs tools, as OpenAI requires.</summary>
    public static ToolChoice ParseToolChoice(JsonElement root, IReadOnlyList<ToolDefinition> tools) =>
        ParseToolChoice(root, tools, static choice =>
            choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            "{\"type\":\"function\",\"function\":{\"name\"}}");

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c>, or an object naming a function in its API's shape.</summary>
    /// <param name="namedFunction">The function an object choice names; null when the object is no such choice.</param>
    /// <param name="objectShape">The object's shape, for the refusal.</param>
    internal static ToolChoice ParseToolChoice(
        JsonElement root, IReadOnlyList<ToolDefinition> tools, Func<JsonElement, string?> namedFunction, string objectShape)
    {
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return default;
        }
        var parsed = choice.ValueKind switch
        {
            JsonValueKind.String => choice.GetString() switch
            {
                "auto" => new ToolChoice(ToolChoiceMode.Auto),
                "none" => new ToolChoice(ToolChoiceMode.None),
                "required" => new ToolChoice(ToolChoiceMode.Required),
                _ => throw InvalidChoice(objectShape),
            },
            JsonValueKind.Object when namedFunction(choice) is { } name => ToolChoice.Named(name),
            _ => throw InvalidChoice(objectShape),
        };
        if (parsed.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function && tools.Count == 0)
        {
            throw OpenAiError.InvalidRequest("tool_choice is only allowed when tools are specified", "tool_choice");
        }
        if (parsed.Mode == ToolChoiceMode.Function && !tools.Any(tool => tool.Name == parsed.FunctionName))
        {
            throw OpenAiError.InvalidRequest($"tool_choice names function '{parsed.FunctionName}', which is not in tools", "tool_choice");
        }
        return parsed;
    }

    private static OpenAiError InvalidChoice(string objectShape) =>
        OpenAiError.InvalidRequest($"tool_choice must be \"none\", \"auto\", \"required\" or {objectShape}", "tool_choice");
}

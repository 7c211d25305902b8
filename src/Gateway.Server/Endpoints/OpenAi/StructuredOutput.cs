using System.Text.Json;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.Server.Endpoints.OpenAi.OpenAiRequestFields;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// Structured answer formats, chat's <c>response_format</c> and the Responses API's <c>text.format</c> (a
/// <c>json_schema</c> or <c>json_object</c>): which models honour them and what they ask, decided here once for both doors.
/// </summary>
internal static class StructuredOutput
{
    private const int MaxFormatNameLength = 64;

    /// <summary>Any format but the default <c>{"type":"text"}</c>.</summary>
    public static bool IsStructured(JsonElement format) =>
        format.ValueKind != JsonValueKind.Null
        && !(format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text");

    /// <param name="param">The field that asked for it, named in the refusal.</param>
    /// <exception cref="OpenAiError">The model would answer free text, which a caller that parses JSON must not get instead.</exception>
    public static void EnsureHonoured(IModelProvider provider, string model, string param)
    {
        if (!provider.ConstrainsOutput)
        {
            throw OpenAiError.InvalidRequest($"{param} is only supported for models of OpenAI's APIs and local models, not '{model}'", param);
        }
    }

    /// <summary>
    /// The format a provider holds the answer to: <c>{"type":"json_object"}</c>, or <c>json_schema</c> with <c>name</c>,
    /// <c>description</c>?, <c>schema</c>?, <c>strict</c>? (https://platform.openai.com/docs/guides/structured-outputs); null for text.
    /// </summary>
    /// <param name="param">Where <paramref name="format"/> is in the request: <c>response_format</c> or <c>text.format</c>.</param>
    /// <param name="nestedUnder">The member holding json_schema's fields: chat's <c>json_schema</c>; null when they sit in the format itself (the Responses API).</param>
    public static ResponseFormat? Read(JsonElement format, string param, string? nestedUnder)
    {
        if (format.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }
        var type = format.ValueKind == JsonValueKind.Object ? ReadString(format, "type", $"{param}.type") : null;
        switch (type)
        {
            case "text":
                return null;
            case "json_object":
                return ResponseFormat.JsonObject;
            case "json_schema":
                break;
            default:
                throw OpenAiError.InvalidRequest($"{param}.type must be \"text\", \"json_object\" or \"json_schema\"", $"{param}.type");
        }
        var (definition, path) = nestedUnder is null ? (format, param) : (RequireObject(format, nestedUnder, param), $"{param}.{nestedUnder}");
        // OpenAI's rule for the name: a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.
        var name = ReadString(definition, "name", $"{path}.name");
        if (name is not { Length: > 0 and <= MaxFormatNameLength } || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw OpenAiError.InvalidRequest($"{path}.name must be 1 to {MaxFormatNameLength} letters, digits, underscores or dashes", $"{path}.name");
        }
        RawJson? schema = null;
        if (definition.TryGetProperty("schema", out var schemaElement) && schemaElement.ValueKind != JsonValueKind.Null)
        {
            schema = schemaElement.ValueKind == JsonValueKind.Object
                ? RawJson.FromElement(schemaElement)
                : throw OpenAiError.InvalidRequest($"{path}.schema must be a JSON Schema object", $"{path}.schema");
        }
        return new ResponseFormat(schema, name)
        {
            Description = ReadString(definition, "description", $"{path}.description"),
            Strict = ReadBoolean(definition, "strict", $"{path}.strict"),
        };
    }
}

using System.Text.Json;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// Which models honour a structured answer format: chat's <c>response_format</c> and the Responses API's
/// <c>text.format</c> (a <c>json_schema</c> or <c>json_object</c>) are decided here, once for both doors.
/// </summary>
internal static class StructuredOutput
{
    /// <summary>Any format but the default <c>{"type":"text"}</c>.</summary>
    public static bool IsStructured(JsonElement format) =>
        format.ValueKind != JsonValueKind.Null
        && !(format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text");

    /// <param name="param">The field that asked for it, named in the refusal.</param>
    /// <exception cref="OpenAiError">The model would answer free text, which a caller that parses JSON must not get instead.</exception>
    public static void EnsureHonoured(IModelProvider provider, string model, string param)
    {
        if (!provider.SpeaksOpenAi)
        {
            throw OpenAiError.InvalidRequest($"{param} is only supported for models of OpenAI-compatible providers, not '{model}'", param);
        }
    }
}

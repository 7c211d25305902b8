using System.Text.Json;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// An error in OpenAI's shape, <c>{"error":{"message","type","param","code"}}</c>
/// (https://platform.openai.com/docs/guides/error-codes), which OpenAI's SDKs turn into typed exceptions by status.
/// </summary>
/// <param name="param">The request field at fault, e.g. <c>messages[2].role</c>, or null.</param>
/// <param name="code">A machine-readable code (<c>model_not_found</c>, <c>rate_limit_exceeded</c>), or null.</param>
internal sealed class OpenAiError(int statusCode, string message, string? param = null, string? code = null) : ApiError(statusCode, message)
{
    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>OpenAI's error types by status; a gateway's upstream failing is its own type.</summary>
    public string Type => StatusCode switch
    {
        429 => "rate_limit_error",
        502 or 504 => "upstream_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    public static OpenAiError InvalidRequest(string message, string? param = null) => new(400, message, param);

    public static OpenAiError ModelNotFound(string model) => new(404, $"The model '{model}' does not exist", "model", "model_not_found");

    /// <summary>RFC 9110 §15.5.4: the model exists, but the key's <c>models</c> do not include it (GATEWAY_KEYS_FILE).</summary>
    public static OpenAiError ModelNotAllowed(string model) => new(403, $"The model '{model}' is not allowed for this key", "model", "model_not_allowed");

    /// <summary>A model turn's failure, with the status its provider chose (<see cref="Providers.ProviderEvent.Failed"/>).</summary>
    public static OpenAiError FromProvider(string message, int statusCode) =>
        new(statusCode, message, code: statusCode == 429 ? "rate_limit_exceeded" : null);

    /// <summary><c>{"error":{…}}</c>, also sent as the last chunk of a stream that failed after it started.</summary>
    public override void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartObject("error"u8);
        json.WriteString("message"u8, Message);
        json.WriteString("type"u8, Type);
        json.WriteString("param"u8, Param);
        json.WriteString("code"u8, Code);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}

using System.Text.Json;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>
/// An error in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c> (https://docs.anthropic.com/en/api/errors),
/// whose status Anthropic's SDKs turn into their error classes (and retry 429, 529 and 5xx).
/// </summary>
internal sealed class AnthropicError(int statusCode, string message) : ApiError(statusCode, message)
{
    /// <summary>Anthropic's error types by status; a busy or stopping server (503) is its <c>overloaded_error</c>.</summary>
    public string Type => StatusCode switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        504 => "timeout_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public static AnthropicError InvalidRequest(string message) => new(400, message);

    public static AnthropicError ModelNotFound(string model) => new(404, $"model: {model}");

    /// <summary>RFC 9110 §15.5.4: the model exists, but the key's <c>models</c> do not include it (GATEWAY_KEYS_FILE).</summary>
    public static AnthropicError ModelNotAllowed(string model) => new(403, $"The model '{model}' is not allowed for this key");

    /// <summary><c>{"type":"error","error":{…}}</c>, also the data of a stream's <c>error</c> event.</summary>
    public override void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "error"u8);
        json.WriteStartObject("error"u8);
        json.WriteString("type"u8, Type);
        json.WriteString("message"u8, Message);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}

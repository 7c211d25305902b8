using System.Text.Json;
using Gateway.Server.Agents;

namespace Gateway.Server.Endpoints;

/// <summary><c>POST /chat/relay/:relayId</c> (SPEC §4): answers a pending permission request.</summary>
internal sealed class RelayEndpoint(SessionRegistry sessions) : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        try
        {
            var (sessionId, answer) = Parse(exchange.Body);
            var status = sessions.TryGet(sessionId, out var orchestrator)
                ? orchestrator.Answer(sessionId, exchange.GetRouteValue(0), answer)
                : RelayAnswerStatus.SessionNotFound;
            switch (status)
            {
                case RelayAnswerStatus.Answered:
                    exchange.Respond(200, ContentTypes.Json, """{"success":true}"""u8);
                    break;
                case RelayAnswerStatus.SessionNotFound:
                    ErrorResponses.Respond(exchange, 404, "Session not found");
                    break;
                default:
                    ErrorResponses.Respond(exchange, 404, "Relay not found");
                    break;
            }
        }
        catch (RequestError e)
        {
            ErrorResponses.Respond(exchange, e.StatusCode, e.Message);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary><c>{"sessionId", "response": {"approved", "always"?, "reason"?}}</c>.</summary>
    public static (string SessionId, RelayAnswer Answer) Parse(ReadOnlyMemory<byte> body)
    {
        using var document = ChatRequestParser.ParseObject(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("sessionId", out var sessionId) || sessionId.ValueKind != JsonValueKind.String
            || sessionId.GetString() is not { Length: > 0 } id
            || !root.TryGetProperty("response", out var response) || response.ValueKind == JsonValueKind.Null)
        {
            throw RequestError.BadRequest("sessionId and response are required");
        }
        if (response.ValueKind != JsonValueKind.Object
            || !response.TryGetProperty("approved", out var approved) || approved.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw RequestError.BadRequest("response.approved must be a boolean");
        }
        var always = response.TryGetProperty("always", out var alwaysElement) && alwaysElement.ValueKind == JsonValueKind.True;
        var reason = response.TryGetProperty("reason", out var reasonElement) && reasonElement.ValueKind == JsonValueKind.String
            ? reasonElement.GetString()
            : null;
        return (id, new RelayAnswer(approved.GetBoolean(), always, reason));
    }
}

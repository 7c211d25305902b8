using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints;

/// <summary><c>POST /chat/relay/:relayId</c> (SPEC §4): answers a pending permission request.</summary>
/// <remarks>SPEC §4's checks run in its order: the body is JSON, names a session and a response, the session lives, the relay waits in it; only then is the answer read.</remarks>
internal sealed class RelayEndpoint(SessionRegistry sessions) : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        try
        {
            Respond(exchange, Answer(exchange));
        }
        catch (RequestError e)
        {
            ErrorResponses.Respond(exchange, e.StatusCode, e.Message);
        }
        return ValueTask.CompletedTask;
    }

    private RelayAnswerStatus Answer(IHttpExchange exchange)
    {
        using var document = ChatRequestParser.ParseObject(exchange.Body);
        var (sessionId, response) = ReadRequest(document.RootElement);
        var relayId = exchange.GetRouteValue(0);
        if (!sessions.TryGet(sessionId, out var orchestrator))
        {
            return RelayAnswerStatus.SessionNotFound;
        }
        var waiting = orchestrator.Find(sessionId, relayId);
        return waiting == RelayAnswerStatus.Waiting ? orchestrator.Answer(sessionId, relayId, ReadAnswer(response)) : waiting;
    }

    /// <summary><c>{"sessionId", "response"}</c>; the response is read by <see cref="ReadAnswer"/> once its relay is found.</summary>
    public static (string SessionId, JsonElement Response) ReadRequest(JsonElement root)
    {
        if (!root.TryGetProperty("sessionId", out var sessionIdElement) || sessionIdElement.ValueKind != JsonValueKind.String
            || sessionIdElement.GetString() is not { Length: > 0 } sessionId
            || !root.TryGetProperty("response", out var response) || response.ValueKind == JsonValueKind.Null)
        {
            throw RequestError.BadRequest("sessionId and response are required");
        }
        return (sessionId, response);
    }

    /// <summary><c>{"approved", "always"?, "reason"?}</c>.</summary>
    public static RelayAnswer ReadAnswer(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object
            || !response.TryGetProperty("approved", out var approved) || approved.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw RequestError.BadRequest("response.approved must be a boolean");
        }
        var always = response.TryGetProperty("always", out var alwaysElement) && alwaysElement.ValueKind == JsonValueKind.True;
        var reason = response.TryGetProperty("reason", out var reasonElement) && reasonElement.ValueKind == JsonValueKind.String
            ? reasonElement.GetString()
            : null;
        return new RelayAnswer(approved.GetBoolean(), always, reason);
    }

    private static void Respond(IHttpExchange exchange, RelayAnswerStatus status)
    {
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
}

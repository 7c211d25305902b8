using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Cluster;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints;

/// <summary><c>POST /chat/relay/:relayId</c> (SPEC §4): answers a pending permission request, wherever its session runs.</summary>
/// <remarks>
/// SPEC §4's checks run in its order: the body is JSON, names a session and a response (checked here), the session
/// lives, the relay waits in it; only then is the answer read (by the instance that runs the session, <see cref="Settle"/>).
/// </remarks>
internal sealed class RelayEndpoint(SessionRegistry sessions, ICluster cluster) : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        try
        {
            using var document = ChatRequestParser.ParseObject(exchange.Body);
            var (sessionId, response) = ReadRequest(document.RootElement);
            var relayId = exchange.GetRouteValue(0);
            if (sessions.TryGet(sessionId, out _))
            {
                Respond(exchange, Settle(sessions, sessionId, relayId, response));
                return ValueTask.CompletedTask;
            }
            var forwarded = cluster.ForwardRelayAsync(sessionId, relayId, response.GetRawText());
            if (forwarded.IsCompletedSuccessfully)
            {
                Respond(exchange, forwarded.Result);
                return ValueTask.CompletedTask;
            }
            return RespondAsync(exchange, forwarded);
        }
        catch (RequestError e)
        {
            ErrorResponses.Respond(exchange, e.StatusCode, e.Message);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>SPEC §4 steps 3-5 for a session this instance runs, whether the answer was posted here or forwarded by another instance.</summary>
    public static RelayReply Settle(SessionRegistry sessions, string sessionId, string relayId, JsonElement response)
    {
        if (!sessions.TryGet(sessionId, out var orchestrator))
        {
            return RelayReply.SessionNotFound;
        }
        var waiting = orchestrator.Find(sessionId, relayId);
        if (waiting != RelayAnswerStatus.Waiting)
        {
            return Reply(waiting);
        }
        try
        {
            return Reply(orchestrator.Answer(sessionId, relayId, ReadAnswer(response)));
        }
        catch (RequestError e)
        {
            return RelayReply.Invalid(e.Message);
        }
    }

    private static RelayReply Reply(RelayAnswerStatus status) => status switch
    {
        RelayAnswerStatus.Answered => RelayReply.Answered,
        RelayAnswerStatus.SessionNotFound => RelayReply.SessionNotFound,
        _ => RelayReply.RelayNotFound,
    };

    private static async ValueTask RespondAsync(IHttpExchange exchange, Task<RelayReply> forwarded) => Respond(exchange, await forwarded.ConfigureAwait(false));

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

    private static void Respond(IHttpExchange exchange, RelayReply reply)
    {
        switch (reply.Outcome)
        {
            case RelayOutcome.Answered:
                exchange.Respond(200, ContentTypes.Json, """{"success":true}"""u8);
                break;
            case RelayOutcome.SessionNotFound:
                ErrorResponses.Respond(exchange, 404, "Session not found");
                break;
            case RelayOutcome.RelayNotFound:
                ErrorResponses.Respond(exchange, 404, "Relay not found");
                break;
            case RelayOutcome.Invalid:
                ErrorResponses.Respond(exchange, 400, reply.Error!);
                break;
            case RelayOutcome.Unavailable:
                ErrorResponses.RespondUnreachable(exchange, "The session's instance cannot be reached now (Redis or the instance is away)");
                break;
            default:
                ErrorResponses.Respond(exchange, 504, "The session's instance did not answer in time");
                break;
        }
    }
}

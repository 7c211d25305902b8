using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Server.Sse;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /chat/:sessionId/events</c> (SPEC §9): a reader that comes back resumes its session's stream after its last event.</summary>
internal sealed class SessionEventsEndpoint(ResumableSessions sessions) : IEndpoint
{
    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        if (!LastEventId.TryRead(exchange, out var afterId))
        {
            ErrorResponses.Respond(exchange, 400, "Invalid Last-Event-ID");
            return;
        }
        // Another key's session is answered as if it did not exist, so its id reveals nothing (docs/security.md).
        if (!sessions.TryGet(exchange.GetRouteValue(0), out var events) || !IsSameKey(events.Owner, exchange.Key))
        {
            ErrorResponses.Respond(exchange, 404, "Session not found");
            return;
        }
        var attempt = events.Resume(exchange, afterId);
        switch (attempt.Status)
        {
            case ResumeStatus.Reading:
                await attempt.Served.ConfigureAwait(false);
                break;
            case ResumeStatus.NoLongerHeld:
                RespondNoLongerHeld(exchange, afterId, attempt.EventId);
                break;
            case ResumeStatus.NotYetSent:
                ErrorResponses.Respond(exchange, 400, $"Event {afterId} has not been sent; the last sent is {attempt.EventId}");
                break;
            default:
                ErrorResponses.Respond(exchange, 404, "Session not found");
                break;
        }
    }

    /// <summary>By digest: a reloaded keys file (SIGHUP) gives the same keys as new objects.</summary>
    private static bool IsSameKey(ClientKey? owner, ClientKey? key) =>
        owner == key || (owner is not null && key is not null && owner.Sha256.AsSpan().SequenceEqual(key.Sha256));

    /// <summary>409 with the oldest id held, so a client can take what is left or start over.</summary>
    private static void RespondNoLongerHeld(IHttpExchange exchange, long afterId, long oldestId)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("error"u8, $"Event {afterId} is no longer held; the oldest held is {oldestId}");
            json.WriteNumber("oldestEventId"u8, oldestId);
            json.WriteEndObject();
        }
        exchange.Respond(409, ContentTypes.Json, buffer.WrittenSpan);
    }
}

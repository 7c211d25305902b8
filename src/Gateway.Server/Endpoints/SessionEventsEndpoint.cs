using System.Buffers;
using System.Text.Json;
using Gateway.Server.Cluster;
using Gateway.Server.Primitives;
using Gateway.Server.Sse;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /chat/:sessionId/events</c> (SPEC §9): a reader that comes back resumes its session's stream after its last event.</summary>
/// <remarks>The session's own instance first; else, with REDIS_URL, the instance that runs it, through Redis.</remarks>
internal sealed class SessionEventsEndpoint(ResumableSessions sessions, ICluster cluster, TimeSpan pingInterval) : IEndpoint
{
    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        if (!LastEventId.TryRead(exchange, out var afterId))
        {
            ErrorResponses.Respond(exchange, 400, "Invalid Last-Event-ID");
            return;
        }
        var sessionId = exchange.GetRouteValue(0);
        var local = sessions.TryGet(sessionId, out var events);
        if (!local)
        {
            var lookup = await cluster.FindEventsAsync(sessionId, pingInterval).ConfigureAwait(false);
            if (lookup.Unavailable)
            {
                ErrorResponses.RespondUnreachable(exchange, "The session's events cannot be reached now (Redis is away)");
                return;
            }
            events = lookup.Events;
        }
        // Another key's session is answered as if it did not exist, so its id reveals nothing (docs/security.md).
        if (events is null || !IsSameKey(events.OwnerDigest, exchange.Key))
        {
            ErrorResponses.Respond(exchange, 404, "Session not found");
            return;
        }
        var attempt = events.Resume(exchange, afterId);
        switch (attempt.Status)
        {
            case ResumeStatus.Reading:
                if (local)
                {
                    // One live reader across instances too: one following the session from another instance ends.
                    cluster.ReaderAttached(sessionId);
                }
                await attempt.Served.ConfigureAwait(false);
                break;
            case ResumeStatus.NoLongerHeld:
                RespondNoLongerHeld(exchange, afterId, attempt.EventId);
                break;
            case ResumeStatus.Finished:
                // WHATWG HTML §9.2.3: a 204 makes an EventSource stop reconnecting; it has every event (RFC 9110 §15.3.5: no content).
                exchange.Respond(204, default, default);
                break;
            case ResumeStatus.Readable:
                // RFC 9110 §9.3.2: a HEAD gets the head a GET would, and its response ends at once.
                exchange.StartStream(EventStreamHead.ContentType, EventStreamHead.HeaderLines);
                break;
            case ResumeStatus.NotYetSent:
                ErrorResponses.Respond(exchange, 400, $"Event {afterId} has not been sent; the last sent is {attempt.EventId}");
                break;
            default:
                ErrorResponses.Respond(exchange, 404, "Session not found");
                break;
        }
    }

    /// <summary>By digest: a reloaded keys file (SIGHUP) gives the same keys as new objects, another instance only the digest.</summary>
    private static bool IsSameKey(byte[]? owner, ClientKey? key) =>
        owner is null ? key is null : key is not null && owner.AsSpan().SequenceEqual(key.Sha256);

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

namespace Gateway.Server.Primitives;

/// <summary>One request and its response, as endpoints see them.</summary>
/// <remarks>
/// Endpoints depend on this and not on the transport, so the same handlers can be hosted on
/// another server (perf/ hosts them on Kestrel to measure what our own server buys). An exchange
/// is only valid until the endpoint's task completes; it is reused for the connection's next request.
/// </remarks>
internal interface IHttpExchange
{
    /// <summary>Whether the request is a HEAD: its response is GET's head alone (RFC 9110 §9.3.2), a stream's too.</summary>
    bool IsHead { get; }

    /// <summary>The whole request body, already de-chunked.</summary>
    ReadOnlyMemory<byte> Body { get; }

    /// <summary>Signalled when the client goes away (closes or resets the connection) while the endpoint runs.</summary>
    CancellationToken RequestAborted { get; }

    /// <summary>
    /// Signalled when the server, shutting down, can wait no longer: a response still running should end now, saying
    /// why, while there is time to send its end.
    /// </summary>
    CancellationToken ServerStopping { get; }

    /// <summary>The configured key the request presented; null when no keys are configured or the route needs none.</summary>
    ClientKey? Key { get; }

    /// <summary>The request's <c>Accept-Encoding</c> field values (repeated fields joined by ", "), or empty when absent.</summary>
    ReadOnlySpan<byte> AcceptEncoding { get; }

    /// <summary>The request's <c>If-None-Match</c> field values (repeated fields joined by ", "), or empty when absent.</summary>
    ReadOnlySpan<byte> IfNoneMatch { get; }

    /// <summary>The request target's query, after its "?", as sent (still percent-encoded); empty when there is none.</summary>
    ReadOnlySpan<byte> Query { get; }

    /// <summary>The <c>Last-Event-ID</c> header's value (WHATWG HTML §9.2.4), as sent; empty when absent.</summary>
    ReadOnlySpan<byte> LastEventId { get; }

    /// <summary>The percent-decoded value of the route template's <paramref name="index"/>-th parameter.</summary>
    string GetRouteValue(int index);

    /// <summary>True once <see cref="Respond"/> or <see cref="StartStream"/> was called.</summary>
    bool HasStartedResponse { get; }

    /// <summary>Sends a complete response with a Content-Length body.</summary>
    /// <param name="extraHeaderLines">Whole header lines with their CRLFs (a 429's <c>Retry-After</c>), or empty.</param>
    void Respond(int statusCode, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body, ReadOnlySpan<byte> extraHeaderLines = default);

    /// <summary>
    /// Sends the head of a 200 response whose body is streamed (chunked; for an HTTP/1.0 client,
    /// ended by closing the connection). The stream ends when the endpoint's task completes.
    /// </summary>
    /// <param name="extraHeaderLines">Whole header lines with their CRLFs, or empty.</param>
    void StartStream(ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> extraHeaderLines);

    /// <summary>Sends part of the streamed body (when empty, only the head) and waits until the transport has taken it; false once the client is gone, or at once for a HEAD (only the head goes out).</summary>
    ValueTask<bool> WriteStreamAsync(ReadOnlyMemory<byte> data);

    /// <summary>Has the server's heartbeat visit <paramref name="subscriber"/> while the response streams (null: no longer).</summary>
    void SubscribeHeartbeat(IHeartbeatSubscriber? subscriber);
}

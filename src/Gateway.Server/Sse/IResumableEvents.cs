using Gateway.Server.Primitives;

namespace Gateway.Server.Sse;

/// <summary>A resumable session's stream as <c>GET /chat/:sessionId/events</c> reads it (SPEC §9).</summary>
/// <remarks>The seam for a log kept elsewhere (a Redis Stream read by another instance): the endpoint knows only this.</remarks>
internal interface IResumableEvents
{
    /// <summary>The SHA-256 of the key that started the session; only it may read the session (null when no keys are configured).</summary>
    byte[]? OwnerDigest { get; }

    /// <summary>
    /// Answers <paramref name="exchange"/> with every event after <paramref name="afterId"/>, then the live ones until the
    /// session ends or another reader replaces this one; refused without touching the exchange otherwise. A log that can
    /// tell also answers, untouched, <see cref="ResumeStatus.Finished"/> (ended, nothing after <paramref name="afterId"/>)
    /// and <see cref="ResumeStatus.Readable"/> (a HEAD a GET would be served for); one that cannot serves those as usual.
    /// </summary>
    ResumeAttempt Resume(IHttpExchange exchange, long afterId);
}

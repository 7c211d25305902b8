namespace Gateway.Server.Routing;

/// <summary>
/// The bodies of the answers the server gives without an endpoint (401, 404, 405, a refused request) in the error shape
/// one route group's clients parse; the server's own default is SPEC §1's <c>{"error": message}</c>.
/// </summary>
internal interface IRefusalShape
{
    ReadOnlySpan<byte> Unauthorized { get; }

    ReadOnlySpan<byte> NotFound { get; }

    ReadOnlySpan<byte> MethodNotAllowed { get; }

    /// <summary>A refused request's SPEC body, <c>{"error": message}</c>, in this shape.</summary>
    ReadOnlySpan<byte> Rejection(int statusCode, ReadOnlySpan<byte> specBody);
}

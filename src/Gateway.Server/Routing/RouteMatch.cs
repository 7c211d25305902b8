using Gateway.Server.Primitives;

namespace Gateway.Server.Routing;

internal enum RouteMatchStatus : byte
{
    Found,
    NotFound,
    MethodNotAllowed,
}

/// <summary>The router's answer: an endpoint with its parameters, or why there is none.</summary>
/// <param name="AllowHeader">For <see cref="RouteMatchStatus.MethodNotAllowed"/>, the whole Allow header line (RFC 9110 §10.2.1).</param>
/// <param name="IsAnonymous">The path's route is served without a bearer key.</param>
/// <param name="RouteIndex">The position of the path's route in the router (<see cref="Router.Templates"/>); -1 for none.</param>
/// <param name="Template">The matched route's template (a span's http.route); null when no route matched.</param>
internal readonly record struct RouteMatch(RouteMatchStatus Status, IEndpoint? Endpoint, byte[]? AllowHeader, bool IsAnonymous, RouteValues Values, int RouteIndex, string? Template)
{
    /// <summary>No route has this path (404); also a request's match before it is routed.</summary>
    public static RouteMatch None => new(RouteMatchStatus.NotFound, null, null, false, default, -1, null);
}

using Gateway.Server.Primitives;

namespace Gateway.Server.Routing;

/// <summary>Maps a method and a raw request path to an endpoint, without allocating.</summary>
/// <remarks>
/// Templates are tried in the order they were first mapped; the first whose segments match the
/// path decides between 200-bound, 405 and (when none matches) 404. Paths are compared segment by
/// segment on their bytes; a segment holding percent-encodings is decoded before comparison, so
/// "/he%61lth" is "/health", while an encoded "/" (%2F) never splits a segment.
/// </remarks>
internal sealed class Router
{
    private readonly List<Route> _routes = [];
    private readonly List<(byte[] Prefix, IRefusalShape Shape)> _refusalShapes = [];

    /// <param name="anonymous">Whether the route is served without a bearer key when keys are configured.</param>
    public Router Map(RequestMethod method, string template, IEndpoint endpoint, bool anonymous = false)
    {
        var route = _routes.Find(r => r.Template == template);
        if (route is null)
        {
            route = new Route(template);
            _routes.Add(route);
        }
        route.Map(method, endpoint);
        route.IsAnonymous |= anonymous;
        return this;
    }

    /// <summary>Answers without an endpoint under <paramref name="pathPrefix"/> (the path itself or below it) take <paramref name="shape"/>.</summary>
    public Router MapRefusalShape(string pathPrefix, IRefusalShape shape)
    {
        _refusalShapes.Add((System.Text.Encoding.ASCII.GetBytes(pathPrefix.TrimEnd('/')), shape));
        return this;
    }

    /// <summary>
    /// The error shape of the route group <paramref name="path"/> falls in, or null for the server's default; of nested groups
    /// the innermost, so <c>/v1/messages</c> keeps Anthropic's shape within <c>/v1</c>'s.
    /// </summary>
    public IRefusalShape? RefusalShapeFor(ReadOnlySpan<byte> path)
    {
        IRefusalShape? found = null;
        var foundLength = -1;
        foreach (var (prefix, shape) in _refusalShapes)
        {
            if (prefix.Length > foundLength && path.StartsWith(prefix) && (path.Length == prefix.Length || path[prefix.Length] == (byte)'/'))
            {
                found = shape;
                foundLength = prefix.Length;
            }
        }
        return found;
    }

    /// <summary>Every route's template, by its position (<see cref="RouteMatch.RouteIndex"/>).</summary>
    public IReadOnlyList<string> Templates => [.. _routes.Select(r => r.Template)];

    public RouteMatch Match(RequestMethod method, ReadOnlySpan<byte> path)
    {
        for (var index = 0; index < _routes.Count; index++)
        {
            var route = _routes[index];
            var values = default(RouteValues);
            if (!TryMatchPath(route.Segments, path, ref values))
            {
                continue;
            }
            var endpoint = route.EndpointFor(method);
            return endpoint is null
                ? new RouteMatch(RouteMatchStatus.MethodNotAllowed, null, route.AllowHeader, route.IsAnonymous, default, index, route.Template)
                : new RouteMatch(RouteMatchStatus.Found, endpoint, null, route.IsAnonymous, values, index, route.Template);
        }
        return RouteMatch.None;
    }

    private static bool TryMatchPath(RouteSegment[] segments, ReadOnlySpan<byte> path, ref RouteValues values)
    {
        if (path.IsEmpty || path[0] != (byte)'/')
        {
            return false;
        }
        if (segments.Length == 0)
        {
            return path.Length == 1;
        }

        var position = 1;
        foreach (var segment in segments)
        {
            if (position > path.Length)
            {
                return false;
            }
            var length = path[position..].IndexOf((byte)'/');
            if (length < 0)
            {
                length = path.Length - position;
            }
            var raw = path.Slice(position, length);

            if (segment.IsParameter)
            {
                if (raw.IsEmpty)
                {
                    return false;
                }
                values.Add(new Range(position, position + length));
            }
            else if (!LiteralEquals(raw, segment.Literal))
            {
                return false;
            }
            position += length + 1;
        }
        // Every segment matched; the path must end exactly there (no trailing segment or slash).
        return position == path.Length + 1;
    }

    private static bool LiteralEquals(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> literal)
    {
        if (raw.SequenceEqual(literal))
        {
            return true;
        }
        // Three encoded bytes decode to one, so anything longer cannot equal the literal.
        if (!raw.Contains((byte)'%') || raw.Length > 3 * literal.Length)
        {
            return false;
        }
        Span<byte> decoded = stackalloc byte[raw.Length];
        return decoded[..PercentDecoding.Decode(raw, decoded)].SequenceEqual(literal);
    }
}

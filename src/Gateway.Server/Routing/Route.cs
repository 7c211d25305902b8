using System.Text;
using Gateway.Server.Primitives;

namespace Gateway.Server.Routing;

/// <summary>One path template and the endpoint of each method it answers.</summary>
internal sealed class Route
{
    private readonly IEndpoint?[] _endpoints = new IEndpoint?[Enum.GetValues<RequestMethod>().Length];

    public Route(string template)
    {
        if (!template.StartsWith('/'))
        {
            throw new ArgumentException($"Route template '{template}' must start with '/'.", nameof(template));
        }
        Template = template;
        Segments = template == "/" ? [] : [.. template[1..].Split('/').Select(ParseSegment)];
        if (Segments.Count(s => s.IsParameter) > RouteValues.MaxParameters)
        {
            throw new ArgumentException($"Route template '{template}' has more than {RouteValues.MaxParameters} parameters.", nameof(template));
        }
    }

    public string Template { get; }

    public RouteSegment[] Segments { get; }

    /// <summary>The whole Allow header line: every method mapped, HEAD wherever GET is (RFC 9110 §9.3.2, §10.2.1).</summary>
    public byte[] AllowHeader { get; private set; } = [];

    /// <summary>Served without a bearer key even when keys are configured.</summary>
    public bool IsAnonymous { get; set; }

    public void Map(RequestMethod method, IEndpoint endpoint)
    {
        if (_endpoints[(int)method] is not null)
        {
            throw new InvalidOperationException($"{method} {Template} is mapped twice.");
        }
        _endpoints[(int)method] = endpoint;
        var methods = Enum.GetValues<RequestMethod>()
            .Where(m => _endpoints[(int)m] is not null || (m == RequestMethod.Head && _endpoints[(int)RequestMethod.Get] is not null))
            .Select(m => m.ToString().ToUpperInvariant());
        AllowHeader = Encoding.ASCII.GetBytes($"Allow: {string.Join(", ", methods)}\r\n");
    }

    /// <summary>The endpoint for <paramref name="method"/>; HEAD is served by the GET endpoint (the connection drops the body).</summary>
    public IEndpoint? EndpointFor(RequestMethod method) =>
        _endpoints[(int)method] ?? (method == RequestMethod.Head ? _endpoints[(int)RequestMethod.Get] : null);

    private static RouteSegment ParseSegment(string segment) =>
        segment.StartsWith(':') ? new RouteSegment([], segment[1..]) : new RouteSegment(Encoding.UTF8.GetBytes(segment), null);
}

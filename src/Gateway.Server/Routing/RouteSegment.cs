namespace Gateway.Server.Routing;

/// <summary>One '/'-separated piece of a route template: a literal, or a <c>:name</c> parameter.</summary>
internal readonly record struct RouteSegment(byte[] Literal, string? ParameterName)
{
    public bool IsParameter => ParameterName is not null;
}

using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints.WebPage;

/// <summary>
/// <c>GET /</c> (the page) and <c>GET /ui/:asset</c> (its files): served without a key, as they hold no secret and the page
/// must load to ask for one; compressed as the client accepts; 304 when the client's copy is current.
/// </summary>
/// <param name="page">The file served at a fixed path; null to serve the route's <c>:asset</c>.</param>
internal sealed class WebPageEndpoint(WebAssets assets, string? page = null) : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        if (assets.Find(page ?? exchange.GetRouteValue(0)) is not { } asset)
        {
            exchange.Respond(404, ContentTypes.Json, """{"error":"Not Found"}"""u8);
            return ValueTask.CompletedTask;
        }
        var representation = asset[ContentCodingNegotiation.Choose(exchange.AcceptEncoding)];
        // RFC 9110 §13.1.2: a GET or HEAD whose If-None-Match names the current tag gets a 304 without content.
        var notModified = EntityTagList.Matches(exchange.IfNoneMatch, representation.ETag);
        exchange.Respond(notModified ? 304 : 200, asset.ContentType, notModified ? default : representation.Bytes, representation.HeaderLines);
        return ValueTask.CompletedTask;
    }
}

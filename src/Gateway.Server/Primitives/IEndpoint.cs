namespace Gateway.Server.Primitives;

/// <summary>Handles the requests of one route and method.</summary>
internal interface IEndpoint
{
    ValueTask InvokeAsync(IHttpExchange exchange);
}

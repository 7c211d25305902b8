namespace Gateway.Server.Endpoints;

/// <summary>Handles the requests of one route and method.</summary>
internal interface IEndpoint
{
    ValueTask InvokeAsync(IHttpExchange exchange);
}

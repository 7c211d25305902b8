using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /health</c>: the process is up and serving (SPEC §1).</summary>
internal sealed class HealthEndpoint : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        exchange.Respond(200, ContentTypes.Json, """{"status":"ok"}"""u8);
        return ValueTask.CompletedTask;
    }
}

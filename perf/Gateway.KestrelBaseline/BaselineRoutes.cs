using System.Text;
using Gateway.Server.Http;
using Gateway.Server.Primitives;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Gateway.KestrelBaseline;

/// <summary>Maps the gateway's endpoints as minimal-API routes, each a plain <see cref="RequestDelegate"/> (no reflection, no generated binder).</summary>
/// <remarks>
/// Bearer keys are checked as Gateway.Server's connection does before it runs an endpoint (SPEC §1):
/// every route but an anonymous one needs <c>Authorization: Bearer &lt;key&gt;</c> when keys are configured.
/// </remarks>
internal sealed class BaselineRoutes(IEndpointRouteBuilder routes, BearerKeyAuthenticator? authenticator)
{
    public BaselineRoutes MapGet(string template, IEndpoint endpoint, bool anonymous = false)
    {
        routes.MapGet(template, Handler(template, endpoint, anonymous));
        return this;
    }

    public BaselineRoutes MapPost(string template, IEndpoint endpoint, bool anonymous = false)
    {
        routes.MapPost(template, Handler(template, endpoint, anonymous));
        return this;
    }

    private RequestDelegate Handler(string template, IEndpoint endpoint, bool anonymous)
    {
        string[] parameters = [.. RoutePatternFactory.Parse(template).Parameters.Select(p => p.Name)];
        if (authenticator is null || anonymous)
        {
            return context => KestrelExchange.InvokeAsync(context, endpoint, parameters);
        }
        var keys = authenticator;
        return context =>
        {
            if (IsAuthorized(keys, context.Request.Headers.Authorization.ToString()))
            {
                return KestrelExchange.InvokeAsync(context, endpoint, parameters);
            }
            // RFC 6750 §3: a 401 names the scheme the client should use.
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"error":"Unauthorized"}""");
        };
    }

    private static bool IsAuthorized(BearerKeyAuthenticator keys, string authorization)
    {
        var length = Encoding.UTF8.GetByteCount(authorization);
        var bytes = length <= 1024 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(authorization, bytes);
        return keys.Authenticate(BearerKeyAuthenticator.BearerToken(bytes)) is not null;
    }
}

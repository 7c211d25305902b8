using Gateway.Server.Primitives;

namespace Gateway.Server.Tests;

/// <summary>An endpoint that does nothing; tests only check which one the router picked.</summary>
internal sealed class StubEndpoint(string name) : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange) => ValueTask.CompletedTask;

    public override string ToString() => name;
}

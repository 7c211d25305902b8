using Gateway.Server.Primitives;

namespace Gateway.Benchmarks.Mocks;

/// <summary>An endpoint the router can return; routing never invokes it.</summary>
internal sealed class NoOpEndpoint : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange) => ValueTask.CompletedTask;
}

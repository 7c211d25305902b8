using System.Text;
using Gateway.Server.Primitives;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Answers with the request body, so body framing can be checked byte for byte.</summary>
internal sealed class EchoEndpoint : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        exchange.Respond(200, "application/octet-stream"u8, exchange.Body.Span);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Answers with its first route parameter, decoded.</summary>
internal sealed class RouteValueEndpoint : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        exchange.Respond(200, "text/plain"u8, Encoding.UTF8.GetBytes(exchange.GetRouteValue(0)));
        return ValueTask.CompletedTask;
    }
}

/// <summary>Holds its request until the test releases it: an in-flight request on demand.</summary>
internal sealed class HeldEndpoint : IEndpoint
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public void Release() => _release.TrySetResult();

    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        _entered.TrySetResult();
        await _release.Task.WaitAsync(RawConnection.ReadTimeout);
        exchange.Respond(200, "text/plain"u8, "released"u8);
    }
}

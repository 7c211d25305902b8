using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /metrics</c> (SPEC §1): every series in the Prometheus text format 0.0.4.</summary>
internal sealed class MetricsEndpoint(MetricsRegistry registry) : IEndpoint
{
    private static ReadOnlySpan<byte> ContentType => "text/plain; version=0.0.4; charset=utf-8"u8;

    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        var text = new PooledBufferWriter();
        try
        {
            registry.WriteTo(text);
            exchange.Respond(200, ContentType, text.WrittenMemory.Span);
        }
        finally
        {
            text.Release();
        }
        return ValueTask.CompletedTask;
    }
}

using System.Runtime.CompilerServices;
using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Providers;

/// <summary>The one way a model is called, by /chat's agent loop and by /v1 alike, so the upstream series count every call.</summary>
internal static class ModelCalls
{
    /// <summary>Streams one turn of <paramref name="provider"/> into <paramref name="sink"/> (see <see cref="IModelProvider.StreamTurnAsync"/>), metered.</summary>
    /// <remarks>Its state machine and its sink are pooled: metering a call allocates nothing.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask StreamTurnAsync(
        UpstreamMetrics metrics, IModelProvider provider, ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        var metered = MeteredTurnSink.Rent(sink, metrics, metrics.For(provider.Name, request.Model));
        try
        {
            await provider.StreamTurnAsync(request, metered, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            metered.End(canceled: cancellationToken.IsCancellationRequested);
        }
    }
}

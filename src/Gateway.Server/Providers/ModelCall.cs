using Gateway.Server.Diagnostics;

namespace Gateway.Server.Providers;

/// <summary>Where every caller starts a model turn: on the provider, inside the turn's <c>chat</c> span when traces are on.</summary>
internal static class ModelCall
{
    /// <summary><see cref="IModelProvider.StreamTurnAsync"/>, traced; without a listener, the provider's call itself.</summary>
    public static Task StreamAsync(IModelProvider provider, ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken) =>
        GatewayTracing.IsEnabled
            ? TracedAsync(provider, request, sink, cancellationToken)
            : provider.StreamTurnAsync(request, sink, cancellationToken);

    /// <remarks>Async so the span is current for the provider's call (its upstream request carries it) and not after it.</remarks>
    private static async Task TracedAsync(IModelProvider provider, ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        using var activity = GatewayTracing.StartChat(provider.Name, request.Model, provider.ServerUrl);
        try
        {
            await provider.StreamTurnAsync(request, activity is null ? sink : new TracedTurnSink(sink, activity), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            GatewayTracing.RecordError(activity, "cancelled");
            throw;
        }
    }
}

using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints;

/// <summary>
/// What every front door that runs one model turn for its caller does alike, whichever API it speaks
/// (<c>/v1/chat/completions</c>, <c>/v1/responses</c>): the key's limits and token budget, the metered call, and the
/// turn's end when the client leaves or the server stops. The door parses, and writes answers and errors in its API's shape.
/// </summary>
/// <remarks>
/// The client leaving cancels the turn, and with it the upstream call, whether or not the answer is streamed
/// (<see cref="IHttpExchange.RequestAborted"/> is watched from the start). A stream's head is sent only with its first
/// event (the door's writer opens it), so a turn that fails before producing anything (the upstream's 429, an
/// unreachable upstream, a local model that is busy) is answered with the failure's own status, as a whole answer is.
/// </remarks>
internal abstract class ModelTurnEndpoint<TRequest>(UpstreamMetrics metrics, KeyLimits keyLimits) : IEndpoint
    where TRequest : class, ITurnRequest
{
    private const int ShuttingDownStatus = 503;
    private const string ShuttingDownMessage = "Server is shutting down";

    protected KeyLimits KeyLimits => keyLimits;

    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        if (Parse(exchange) is not { } request)
        {
            return;
        }
        var key = exchange.Key;
        if (!keyLimits.TryEnter(key, out var budget, out var refusal))
        {
            RespondError(exchange, 429, refusal.Message, refusal.RetryAfterLine);
            return;
        }
        try
        {
            await CompleteOrStreamAsync(exchange, request, budget).ConfigureAwait(false);
        }
        finally
        {
            keyLimits.Exit(key);
        }
    }

    /// <summary>The request, or null once it was refused (answered in the door's shape, a 403 counted by <see cref="KeyLimits.RefusedModel"/>).</summary>
    protected abstract TRequest? Parse(IHttpExchange exchange);

    /// <summary>A whole error response in the door's shape.</summary>
    protected abstract void RespondError(IHttpExchange exchange, int statusCode, string message, ReadOnlySpan<byte> extraHeaderLines = default);

    /// <summary>Runs the turn with <see cref="RunTurnAsync"/> into the door's collector and answers with the whole result.</summary>
    protected abstract ValueTask CompleteAsync(IHttpExchange exchange, TRequest request, ITokenBudget? budget, CancellationToken cancellationToken);

    /// <summary>The door's writer of the turn's events into <paramref name="stream"/>, which opens the stream with its first event.</summary>
    protected abstract ITurnStreamWriter StartStream(EventStream stream, TRequest request, CancellationToken cancellationToken);

    /// <summary>One metered model call of the request's turn, pushing what it produces into <paramref name="sink"/>.</summary>
    protected async Task RunTurnAsync(TRequest request, ITurnSink sink, ITokenBudget? budget, CancellationToken cancellationToken)
    {
        using var call = ModelCall.Start(metrics, request.Provider, request.Turn, sink, budget, cancellationToken);
        await request.Provider.StreamTurnAsync(request.Turn, call, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CompleteOrStreamAsync(IHttpExchange exchange, TRequest request, ITokenBudget? budget)
    {
        var aborted = exchange.RequestAborted;
        // The turn also ends when the server, shutting down, can wait no longer.
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(aborted, exchange.ServerStopping);
        try
        {
            await (request.Stream
                ? StreamAsync(exchange, request, budget, turn)
                : CompleteAsync(exchange, request, budget, turn.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client is gone; the turn was cancelled with its upstream call.
        }
        catch (OperationCanceledException) when (exchange.ServerStopping.IsCancellationRequested && !exchange.HasStartedResponse)
        {
            RespondError(exchange, ShuttingDownStatus, ShuttingDownMessage);
        }
        if (!exchange.HasStartedResponse)
        {
            // Nobody reads this; the connection still answers every request it took.
            RespondError(exchange, 400, "The client closed the request before the completion was ready");
        }
    }

    private async ValueTask StreamAsync(IHttpExchange exchange, TRequest request, ITokenBudget? budget, CancellationTokenSource turn)
    {
        var stream = new EventStream(exchange, turn);
        using var writer = StartStream(stream, request, turn.Token);
        try
        {
            await RunTurnAsync(request, writer, budget, turn.Token).ConfigureAwait(false);
            writer.WriteEnd();
        }
        catch (OperationCanceledException) when (stream.IsOpen && !stream.ClientGone)
        {
            // Not the client, so the server is stopping: the stream's end says so.
            writer.Failed(ShuttingDownMessage, ShuttingDownStatus);
        }
        catch (OperationCanceledException) when (stream.ClientGone)
        {
            // Nobody is listening.
        }
        finally
        {
            await stream.CompleteAsync().ConfigureAwait(false);
        }
    }
}

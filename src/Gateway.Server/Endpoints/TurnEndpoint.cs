using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints;

/// <summary>
/// What the API front doors (<c>/v1/chat/completions</c>, <c>/v1/messages</c>, <c>/v1/responses</c>) share: one model turn of any served model,
/// streamed or whole, under the key's limits; no agent loop and no server-side tools. A door supplies its request
/// parser, its error shape and its two answer writers.
/// </summary>
/// <remarks>
/// The client leaving cancels the turn, and with it the upstream call, whether or not the answer is streamed
/// (<see cref="IHttpExchange.RequestAborted"/> is watched from the start). A stream's head is sent only with its first
/// event, so a turn that fails before producing anything (the upstream's 429, an unreachable upstream, a local model
/// that is busy) is answered with the failure's own status, as a non-streamed call is.
/// </remarks>
internal abstract class TurnEndpoint<TRequest>(UpstreamMetrics metrics, KeyLimits keyLimits) : IEndpoint
    where TRequest : class, ITurnRequest
{
    private const string ShuttingDown = "Server is shutting down";

    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        TRequest request;
        try
        {
            request = Parse(exchange);
        }
        catch (ApiError e)
        {
            if (e.StatusCode == 403)
            {
                keyLimits.RefusedModel(exchange.Key);
            }
            e.Respond(exchange);
            return;
        }
        var key = exchange.Key;
        var admission = await keyLimits.TryEnterAsync(key).ConfigureAwait(false);
        if (admission.Refusal is { } refusal)
        {
            Error(429, refusal.Message).Respond(exchange, refusal.RetryAfterLine);
            return;
        }
        try
        {
            await CompleteOrStreamAsync(exchange, request, admission.Budget).ConfigureAwait(false);
        }
        finally
        {
            keyLimits.Exit(key);
        }
    }

    /// <exception cref="ApiError">The request is refused.</exception>
    protected abstract TRequest Parse(IHttpExchange exchange);

    /// <summary>An error of the door's shape for a status the endpoint itself decides (429, 503, 400).</summary>
    protected abstract ApiError Error(int statusCode, string message);

    protected abstract IWholeAnswer StartWhole(TRequest request);

    protected abstract IStreamedAnswer StartStream(TRequest request, EventStream stream, CancellationToken cancellationToken);

    /// <summary>The response's event stream; a door whose API pings while the answer waits says how.</summary>
    protected virtual EventStream CreateStream(IHttpExchange exchange, CancellationTokenSource turn) => new(exchange, turn);

    private async ValueTask CompleteOrStreamAsync(IHttpExchange exchange, TRequest request, ITokenBudget? budget)
    {
        var aborted = exchange.RequestAborted;
        // The turn also ends when the server, shutting down, can wait no longer.
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(aborted, exchange.ServerStopping);
        try
        {
            await (request.Stream ? StreamAsync(exchange, request, budget, turn) : CompleteAsync(exchange, request, budget, turn.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client is gone; the turn was cancelled with its upstream call.
        }
        catch (OperationCanceledException) when (exchange.ServerStopping.IsCancellationRequested && !exchange.HasStartedResponse)
        {
            Error(503, ShuttingDown).Respond(exchange);
        }
        if (!exchange.HasStartedResponse)
        {
            // Nobody reads this; the connection still answers every request it took.
            Error(400, "The client closed the request before the answer was ready").Respond(exchange);
        }
    }

    private async ValueTask CompleteAsync(IHttpExchange exchange, TRequest request, ITokenBudget? budget, CancellationToken cancellationToken)
    {
        using var answer = StartWhole(request);
        using (var call = ModelCall.Start(metrics, request.Provider, request.Turn, answer, budget, cancellationToken))
        {
            await request.Provider.StreamTurnAsync(request.Turn, call, cancellationToken).ConfigureAwait(false);
        }
        if (answer.Failure is { } failure)
        {
            failure.Respond(exchange);
            return;
        }
        exchange.Respond(200, ContentTypes.Json, answer.ToJson());
    }

    private async ValueTask StreamAsync(IHttpExchange exchange, TRequest request, ITokenBudget? budget, CancellationTokenSource turn)
    {
        var stream = CreateStream(exchange, turn);
        using var answer = StartStream(request, stream, turn.Token);
        try
        {
            using (var call = ModelCall.Start(metrics, request.Provider, request.Turn, answer, budget, turn.Token))
            {
                await request.Provider.StreamTurnAsync(request.Turn, call, turn.Token).ConfigureAwait(false);
            }
            answer.WriteEnd();
        }
        catch (OperationCanceledException) when (stream.IsOpen && !stream.ClientGone)
        {
            // Not the client, so the server is stopping: the stream's last event says so.
            answer.Failed(ShuttingDown, 503);
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

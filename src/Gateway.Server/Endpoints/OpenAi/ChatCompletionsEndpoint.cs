using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: one model turn of any served model, in OpenAI's chat-completions format, streamed
/// or whole. No agent loop and no server-side tools: tool calls go back to the caller.
/// </summary>
/// <remarks>
/// The client leaving cancels the turn, and with it the upstream call, whether or not the answer is streamed
/// (<see cref="IHttpExchange.RequestAborted"/> is watched from the start). A stream's head is sent only with its first
/// event, so a turn that fails before producing anything (the upstream's 429, an unreachable upstream, a local model
/// that is busy) is answered with the failure's own status, as a non-streamed call is.
/// </remarks>
internal sealed class ChatCompletionsEndpoint(ModelCatalog catalog, string? defaultModel, UpstreamMetrics metrics, KeyLimits keyLimits) : IEndpoint
{
    private static readonly OpenAiError ShuttingDown = new(503, "Server is shutting down");

    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        CompletionRequest request;
        try
        {
            request = CompletionRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key);
        }
        catch (OpenAiError e)
        {
            if (e.StatusCode == 403)
            {
                keyLimits.RefusedModel(exchange.Key);
            }
            e.Respond(exchange);
            return;
        }
        var key = exchange.Key;
        if (!keyLimits.TryEnter(key, out var budget, out var refusal))
        {
            new OpenAiError(429, refusal.Message, code: "rate_limit_exceeded").Respond(exchange, refusal.RetryAfterLine);
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

    private async ValueTask CompleteOrStreamAsync(IHttpExchange exchange, CompletionRequest request, ITokenBudget? budget)
    {
        var identity = CompletionIdentity.Create(request.Model);
        var inputExcludesCache = request.Provider.CountsCachedInputApart;
        var aborted = exchange.RequestAborted;
        // The turn also ends when the server, shutting down, can wait no longer.
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(aborted, exchange.ServerStopping);
        try
        {
            await (request.Stream
                ? StreamAsync(exchange, request, budget, identity, inputExcludesCache, turn)
                : CompleteAsync(exchange, request, budget, identity, inputExcludesCache, turn.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client is gone; the turn was cancelled with its upstream call.
        }
        catch (OperationCanceledException) when (exchange.ServerStopping.IsCancellationRequested && !exchange.HasStartedResponse)
        {
            ShuttingDown.Respond(exchange);
        }
        if (!exchange.HasStartedResponse)
        {
            // Nobody reads this; the connection still answers every request it took.
            new OpenAiError(400, "The client closed the request before the completion was ready").Respond(exchange);
        }
    }

    private async ValueTask CompleteAsync(
        IHttpExchange exchange, CompletionRequest request, ITokenBudget? budget, CompletionIdentity identity, bool inputExcludesCache,
        CancellationToken cancellationToken)
    {
        using var completion = new CompletionBuilder();
        using (var call = ModelCall.Start(metrics, request.Provider, request.Turn, completion, budget, cancellationToken))
        {
            await request.Provider.StreamTurnAsync(request.Turn, call, cancellationToken).ConfigureAwait(false);
        }
        if (completion.Failure is { } failure)
        {
            failure.Respond(exchange);
            return;
        }
        exchange.Respond(200, ContentTypes.Json, completion.ToJson(identity, inputExcludesCache));
    }

    private async ValueTask StreamAsync(
        IHttpExchange exchange, CompletionRequest request, ITokenBudget? budget, CompletionIdentity identity, bool inputExcludesCache,
        CancellationTokenSource turn)
    {
        var stream = new EventStream(exchange, turn);
        using var chunks = new CompletionChunkWriter(stream, identity, request.IncludeUsage, turn.Token);
        try
        {
            using (var call = ModelCall.Start(metrics, request.Provider, request.Turn, chunks, budget, turn.Token))
            {
                await request.Provider.StreamTurnAsync(request.Turn, call, turn.Token).ConfigureAwait(false);
            }
            chunks.WriteEnd(inputExcludesCache);
        }
        catch (OperationCanceledException) when (stream.IsOpen && !stream.ClientGone)
        {
            // Not the client, so the server is stopping: the stream's last chunk says so.
            chunks.Failed(ShuttingDown.Message, ShuttingDown.StatusCode);
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

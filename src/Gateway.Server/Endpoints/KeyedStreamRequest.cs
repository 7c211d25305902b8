using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>The head /chat and /summarize share (SPEC §3): a refused body answered in their error shape, then the key's limits.</summary>
internal static class KeyedStreamRequest
{
    /// <param name="parse">Validates the body; a <see cref="RequestError"/> is answered (a 403 counted against the key).</param>
    /// <param name="run">
    /// Streams the admitted request with the key's token budget; returns when the response may end, with what still holds
    /// the key's session slot after that (a resumable session outliving its reader, SPEC §9), or a completed task.
    /// </param>
    public static async ValueTask InvokeAsync<TRequest>(
        IHttpExchange exchange, KeyLimits keyLimits, Func<TRequest> parse, Func<TRequest, ITokenBudget?, ValueTask<Task>> run)
    {
        TRequest request;
        try
        {
            request = parse();
        }
        catch (RequestError e)
        {
            if (e.StatusCode == 403)
            {
                keyLimits.RefusedModel(exchange.Key);
            }
            ErrorResponses.Respond(exchange, e.StatusCode, e.Message);
            return;
        }
        var key = exchange.Key;
        var admission = await keyLimits.TryEnterAsync(key).ConfigureAwait(false);
        if (admission.Refusal is { } refusal)
        {
            ErrorResponses.Respond(exchange, 429, refusal.Message, refusal.RetryAfterLine);
            return;
        }
        var outliving = Task.CompletedTask;
        try
        {
            outliving = await run(request, admission.Budget).ConfigureAwait(false);
        }
        finally
        {
            if (outliving.IsCompleted)
            {
                keyLimits.Exit(key);
            }
            else
            {
                _ = ExitAfterAsync(keyLimits, key, outliving);
            }
        }
    }

    private static async Task ExitAfterAsync(KeyLimits keyLimits, ClientKey? key, Task outliving)
    {
        await outliving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        keyLimits.Exit(key);
    }
}

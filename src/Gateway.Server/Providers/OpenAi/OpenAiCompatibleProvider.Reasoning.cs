namespace Gateway.Server.Providers.OpenAi;

internal sealed partial class OpenAiCompatibleProvider
{
    /// <summary>The reasoning effort the gateway itself writes: /chat's, when a /v1 caller did not send its own verbatim.</summary>
    private static ReasoningEffort? OwnReasoningEffort(TurnOptions options) =>
        options.OpenAiFields.Any(field => field.Key == "reasoning_effort") ? null : options.ReasoningEffort;

    /// <summary>
    /// Asks with <c>reasoning_effort</c>, and asks again without it when the upstream refuses the field: models that cannot
    /// reason answer 400 naming it, and SPEC §3 has such models ignore reasoningEffort.
    /// </summary>
    private async Task StreamWithReasoningAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        var refusal = new ReasoningRefusal(sink, "reasoning_effort");
        await SendAsync(request, refusal, reasoningEffort: true, cancellationToken).ConfigureAwait(false);
        if (refusal.Refused)
        {
            await SendAsync(request, sink, reasoningEffort: false, cancellationToken).ConfigureAwait(false);
        }
    }
}

using Gateway.Server.Conversation;

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
        var refusal = new ReasoningRefusal(sink);
        await SendAsync(request, refusal, reasoningEffort: true, cancellationToken).ConfigureAwait(false);
        if (refusal.Refused)
        {
            await SendAsync(request, sink, reasoningEffort: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Passes everything on but a 400 that names <c>reasoning_effort</c>, which comes before anything else (a refused request).</summary>
    private sealed class ReasoningRefusal(ITurnSink inner) : ITurnSink
    {
        public bool Refused { get; private set; }

        public void Text(ReadOnlySpan<byte> text, string? logprobs) => inner.Text(text, logprobs);

        public void Reasoning(ReadOnlySpan<byte> text) => inner.Reasoning(text);

        public void ReasoningItem(ReasoningItem item) => inner.ReasoningItem(item);

        public void ToolCallStarted(int index, string id, string name) => inner.ToolCallStarted(index, id, name);

        public void ToolArguments(int index, string text) => inner.ToolArguments(index, text);

        public void ToolCalled(ToolCallRequest call, int index) => inner.ToolCalled(call, index);

        public void Finished(FinishReason reason) => inner.Finished(reason);

        public void Usage(TokenUsage usage) => inner.Usage(usage);

        public void Failed(string message, int statusCode)
        {
            if (statusCode == 400 && message.Contains("reasoning_effort", StringComparison.Ordinal))
            {
                Refused = true;
                return;
            }
            inner.Failed(message, statusCode);
        }

        public ValueTask FlushAsync() => inner.FlushAsync();

        public bool IsBehind => inner.IsBehind;
    }
}

using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.OpenAi;

/// <summary>
/// Passes everything on but a 400 naming <paramref name="field"/>: a request refused for a reasoning field a model does not
/// take (it comes before anything else), which the provider sends again without it, as SPEC §3 has such models ignore reasoningEffort.
/// </summary>
internal sealed class ReasoningRefusal(ITurnSink inner, string field) : ITurnSink
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
        if (statusCode == 400 && message.Contains(field, StringComparison.Ordinal))
        {
            Refused = true;
            return;
        }
        inner.Failed(message, statusCode);
    }

    public ValueTask FlushAsync() => inner.FlushAsync();

    public bool IsBehind => inner.IsBehind;
}

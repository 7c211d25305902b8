using System.Text;
using System.Threading.Channels;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers;

/// <summary>Each push as the <see cref="ProviderEvent"/> it stands for, into a channel (a local sequence's events, test recordings).</summary>
internal sealed class ChannelTurnSink(ChannelWriter<ProviderEvent> events) : ITurnSink
{
    public void Text(ReadOnlySpan<byte> text, string? logprobs) => events.TryWrite(ProviderEvent.TextDelta(Encoding.UTF8.GetString(text)));

    public void Reasoning(ReadOnlySpan<byte> text) => events.TryWrite(ProviderEvent.ReasoningDelta(Encoding.UTF8.GetString(text)));

    public void ReasoningItem(ReasoningItem item) => events.TryWrite(ProviderEvent.ReasoningCaptured(item));

    public void ToolCallStarted(int index, string id, string name) => events.TryWrite(ProviderEvent.ToolCallStarted(index, id, name));

    public void ToolArguments(int index, string text) => events.TryWrite(ProviderEvent.ToolArgumentsDelta(index, text));

    public void ToolCalled(ToolCallRequest call, int index) => events.TryWrite(ProviderEvent.ToolCalled(call, index));

    public void Finished(FinishReason reason) => events.TryWrite(ProviderEvent.Finished(reason));

    public void Usage(TokenUsage usage) => events.TryWrite(ProviderEvent.UsageReported(usage));

    public void Failed(string message, int statusCode) => events.TryWrite(ProviderEvent.Failed(message, statusCode));

    public ValueTask FlushAsync() => ValueTask.CompletedTask;
}

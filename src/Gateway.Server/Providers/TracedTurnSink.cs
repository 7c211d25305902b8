using System.Diagnostics;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;

namespace Gateway.Server.Providers;

/// <summary>Passes a turn on to its sink and notes on the turn's <c>chat</c> span what semconv gen_ai asks of it: usage, finish reason, failure.</summary>
internal sealed class TracedTurnSink(ITurnSink sink, Activity activity) : ITurnSink
{
    public bool IsBehind => sink.IsBehind;

    public void Text(ReadOnlySpan<byte> text, string? logprobs) => sink.Text(text, logprobs);

    public void Reasoning(ReadOnlySpan<byte> text) => sink.Reasoning(text);

    public void ToolCallStarted(int index, string id, string name) => sink.ToolCallStarted(index, id, name);

    public void ToolArguments(int index, string text) => sink.ToolArguments(index, text);

    public void ToolCalled(ToolCallRequest call, int index) => sink.ToolCalled(call, index);

    public void Finished(FinishReason reason)
    {
        GatewayTracing.RecordFinishReason(activity, reason switch
        {
            FinishReason.Stop => "stop",
            FinishReason.Length => "length",
            FinishReason.ToolCalls => "tool_calls",
            _ => "content_filter",
        });
        sink.Finished(reason);
    }

    public void Usage(TokenUsage usage)
    {
        GatewayTracing.RecordUsage(activity, usage.InputTokens, usage.OutputTokens);
        sink.Usage(usage);
    }

    public void Failed(string message, int statusCode)
    {
        // semconv error.type: the upstream's status code when it answered with one.
        GatewayTracing.RecordError(activity, statusCode > 0 ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "_OTHER");
        sink.Failed(message, statusCode);
    }

    public ValueTask FlushAsync() => sink.FlushAsync();
}

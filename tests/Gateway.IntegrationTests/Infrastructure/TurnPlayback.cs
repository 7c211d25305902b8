using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Between the push model of <see cref="IModelProvider"/> and the event lists tests script and check.</summary>
internal static class TurnPlayback
{
    /// <summary>Pushes <paramref name="events"/> into <paramref name="sink"/> as a provider does: flushing whenever the next one must be waited for.</summary>
    public static async Task PlayAsync(this ITurnSink sink, IAsyncEnumerable<ProviderEvent> events, CancellationToken cancellationToken)
    {
        var items = events.GetAsyncEnumerator(cancellationToken);
        await using (items)
        {
            while (true)
            {
                var next = items.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    await sink.FlushAsync();
                }
                if (!await next)
                {
                    return;
                }
                items.Current.Deliver(sink);
            }
        }
    }

    /// <summary>What a provider pushes for one turn, as a sequence; leaving it early cancels the turn.</summary>
    public static async IAsyncEnumerable<ProviderEvent> StreamEventsAsync(
        this IModelProvider provider, ModelTurnRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ProviderEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = RunAsync(provider, request, channel.Writer, stop.Token);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None))
            {
                yield return item;
            }
            await running; // Its exception, if it threw (cancellation).
        }
        finally
        {
            await stop.CancelAsync();
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task RunAsync(IModelProvider provider, ModelTurnRequest request, ChannelWriter<ProviderEvent> output, CancellationToken cancellationToken)
    {
        try
        {
            await provider.StreamTurnAsync(request, new Recorder(output), cancellationToken);
        }
        finally
        {
            output.TryComplete();
        }
    }

    /// <summary>Each push as the <see cref="ProviderEvent"/> it stands for.</summary>
    private sealed class Recorder(ChannelWriter<ProviderEvent> output) : ITurnSink
    {
        public void Text(ReadOnlySpan<byte> text, string? logprobs) => output.TryWrite(ProviderEvent.TextDelta(Encoding.UTF8.GetString(text), logprobs));

        public void Reasoning(ReadOnlySpan<byte> text) => output.TryWrite(ProviderEvent.ReasoningDelta(Encoding.UTF8.GetString(text)));

        public void ReasoningItem(Gateway.Server.Conversation.ReasoningItem item) => output.TryWrite(ProviderEvent.ReasoningCaptured(item));

        public void ToolCallStarted(int index, string id, string name) => output.TryWrite(ProviderEvent.ToolCallStarted(index, id, name));

        public void ToolArguments(int index, string text) => output.TryWrite(ProviderEvent.ToolArgumentsDelta(index, text));

        public void ToolCalled(Gateway.Server.Conversation.ToolCallRequest call, int index) => output.TryWrite(ProviderEvent.ToolCalled(call, index));

        public void Finished(FinishReason reason) => output.TryWrite(ProviderEvent.Finished(reason));

        public void Usage(Gateway.Server.Conversation.TokenUsage usage) => output.TryWrite(ProviderEvent.UsageReported(usage));

        public void Failed(string message, int statusCode) => output.TryWrite(ProviderEvent.Failed(message, statusCode));

        public ValueTask FlushAsync() => ValueTask.CompletedTask;
    }
}

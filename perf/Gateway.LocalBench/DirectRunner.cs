using System.Diagnostics;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;

namespace Gateway.LocalBench;

/// <summary>The gateway's decode loop called in process, without HTTP: what batching alone gives.</summary>
internal static class DirectRunner
{
    public static Task<BenchResult> RunAsync(LocalModel model, int sessions) =>
        BenchResult.MeasureAsync("gateway decode loop, in process", model, sessions, (prompt, clock) => OneAsync(model, prompt, clock));

    private static async Task<(long Tokens, TimeSpan FirstToken)> OneAsync(LocalModel model, string prompt, Stopwatch clock)
    {
        // The chat path, as /chat takes it (the model's template, if any), minus HTTP.
        using var sequence = await model.StartAsync([ChatMessage.User(prompt)], new TurnOptions(), [], default);
        var first = TimeSpan.Zero;
        var generated = 0L;
        await foreach (var item in sequence.Events.ReadAllAsync())
        {
            if (item.Kind == ProviderEventKind.TextDelta && first == TimeSpan.Zero)
            {
                first = clock.Elapsed;
            }
            else if (item.Kind == ProviderEventKind.Usage)
            {
                generated = item.Usage.OutputTokens;
            }
            else if (item.Kind == ProviderEventKind.Error)
            {
                throw new InvalidOperationException(item.Text);
            }
        }
        return (generated, first);
    }
}

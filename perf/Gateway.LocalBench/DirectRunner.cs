using System.Diagnostics;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;

namespace Gateway.LocalBench;

/// <summary>The gateway's decode loop called in process, without HTTP: what batching alone gives.</summary>
internal static class DirectRunner
{
    public static async Task<BenchResult> RunAsync(LocalModel model, int sessions)
    {
        var decodesBefore = model.Statistics.DecodeCalls;
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => OneAsync(model, BenchSettings.Prompts[i], clock)));
        var wall = clock.Elapsed;
        return new BenchResult("gateway decode loop, in process", sessions, runs.Sum(r => r.Tokens), wall,
            TimeSpan.FromTicks((long)runs.Average(r => r.FirstToken.Ticks)), model.Statistics.DecodeCalls - decodesBefore);
    }

    private static async Task<(long Tokens, TimeSpan FirstToken)> OneAsync(LocalModel model, string prompt, Stopwatch clock)
    {
        // The chat path, as /chat takes it (the model's template, if any), minus HTTP.
        using var sequence = await model.StartAsync([ChatMessage.User(prompt)], new TurnOptions(), default);
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

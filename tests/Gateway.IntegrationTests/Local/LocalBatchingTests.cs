using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Local.LocalModelFiles;

namespace Gateway.IntegrationTests.Local;

/// <summary>Concurrent turns on one model share its decode calls, give the same text as one at a time, and respect the sequence limit.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalBatchingTests
{
    private static readonly string[] Prompts = ["abc", "ABC", "0", "pqrstu"];

    [Fact]
    public async Task ConcurrentTurnsDecodeInTheSameBatchesAndMatchTheTurnsRunAlone()
    {
        await using var provider = Provider();
        var model = await provider.GetModelAsync(Successor, default);

        var alone = new List<string>();
        var aloneDecodes = new List<long>();
        foreach (var prompt in Prompts)
        {
            var before = model.Statistics.DecodeCalls;
            alone.Add(await CompleteAsync(model, prompt));
            aloneDecodes.Add(model.Statistics.DecodeCalls - before);
        }
        Assert.Equal("defghijklmnopqrstuvwxyz{|}~", alone[0]);
        Assert.Equal(1, model.Statistics.MaxSequencesPerDecode);

        var decodesBefore = model.Statistics.DecodeCalls;
        Task<string>[] together;
        using (model.HoldDecoding())
        {
            together = [.. Prompts.Select(p => CompleteAsync(model, p))];
            await WithinAsync(TimeSpan.FromSeconds(5), () => model.Statistics.QueuedSequences == Prompts.Length, "every turn is queued");
        }
        var results = await Task.WhenAll(together);

        Assert.Equal(alone, results);
        Assert.Equal(Prompts.Length, model.Statistics.MaxSequencesPerDecode);
        // In lockstep: as many decode calls as the longest turn needed alone, not the sum of all of them.
        Assert.Equal(aloneDecodes.Max(), model.Statistics.DecodeCalls - decodesBefore);
        Assert.True(aloneDecodes.Sum() > 2 * aloneDecodes.Max());
        Assert.Equal(0, model.Statistics.ActiveSequences);
    }

    [Fact]
    public async Task TurnsArrivingWhileOthersDecodeJoinTheRunningBatch()
    {
        await using var provider = Provider();
        var model = await provider.GetModelAsync(Stories, default);
        var alone = await CompleteAsync(model, "The dog", maxTokens: 200);

        // The first turn runs three steps alone (three tokens), then the second turn is queued and both go on together.
        Task<(List<string> Deltas, List<ProviderEvent> Ends)> first, second;
        using (model.HoldDecoding(afterSteps: 3))
        {
            var tokensBefore = model.Statistics.GeneratedTokens;
            first = CollectAsync(await model.StartAsync("Once upon a time", false, [], 400, default));
            await WithinAsync(TimeSpan.FromSeconds(5), () => model.Statistics.GeneratedTokens - tokensBefore == 3, "the first turn has three tokens");
            second = CollectAsync(await model.StartAsync("The dog", false, [], 200, default));
            await WithinAsync(TimeSpan.FromSeconds(5), () => model.Statistics.QueuedSequences == 1, "the second turn is queued");
            Assert.Equal(2, model.Statistics.ActiveSequences);
        }
        var (deltas, ends) = await second;

        Assert.Equal(2, model.Statistics.MaxSequencesPerDecode);
        Assert.Equal(200, AssertFinished(ends, FinishReason.Length).OutputTokens);
        Assert.Equal(400, AssertFinished((await first).Ends, FinishReason.Length).OutputTokens);
        Assert.Equal(alone, string.Concat(deltas));
    }

    [Fact]
    public async Task BeyondMaxSequencesATurnWaitsThenFailsWithOneClearError()
    {
        await using var provider = Provider(Options(maxSequences: 1, queueSeconds: 0.2));
        var model = await provider.GetModelAsync(Successor, default);

        using (model.HoldDecoding())
        {
            using var running = await model.StartAsync("abc", false, [], 512, default);
            var (deltas, ends) = await CollectAsync(provider.StreamEventsAsync(LocalGenerationTests.Turn(Successor, Gateway.Server.Conversation.ChatMessage.User("hi")), default));

            Assert.Empty(deltas);
            var error = Assert.Single(ends);
            Assert.Equal(ProviderEventKind.Error, error.Kind);
            Assert.Equal($"Local model '{Successor}' is busy: all 1 sequences (LOCAL_MAX_SEQUENCES) stayed in use for 0.2 s (LOCAL_QUEUE_TIMEOUT_SECONDS).", error.Text);
            Assert.Equal(503, error.StatusCode);
        }
    }

    [Fact]
    public async Task AWaitingTurnStartsAsSoonAsASequenceIsFree()
    {
        await using var provider = Provider(Options(maxSequences: 1));
        var model = await provider.GetModelAsync(Successor, default);

        var first = CompleteAsync(model, "abc");
        var second = CompleteAsync(model, "xyz");

        Assert.Equal(["defghijklmnopqrstuvwxyz{|}~", "{|}~"], await Task.WhenAll(first, second));
        Assert.Equal(1, model.Statistics.MaxSequencesPerDecode);
    }

    [Fact]
    public async Task CancellingATurnFreesItsSequenceWithinOneStep()
    {
        await using var provider = Provider(Options(maxTokens: 100_000));
        var model = await provider.GetModelAsync(Stories, default);
        using var cancel = new CancellationTokenSource();

        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in provider.StreamEventsAsync(LocalGenerationTests.Turn(Stories, Gateway.Server.Conversation.ChatMessage.User("Once upon a time")), cancel.Token))
            {
                if (++received == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        await WithinAsync(TimeSpan.FromSeconds(1), () => model.Statistics.ActiveSequences == 0, "the sequence is freed");
        Assert.True(model.Statistics.GeneratedTokens < 2000, "it stopped long before its context was full");
    }

    private static async Task<string> CompleteAsync(LocalModel model, string prompt, int maxTokens = 512)
    {
        var (deltas, ends) = await CollectAsync(await model.StartAsync(prompt, false, [], maxTokens, default));
        Assert.Equal([ProviderEventKind.Finish, ProviderEventKind.Usage], ends.Select(end => end.Kind));
        return string.Concat(deltas);
    }
}

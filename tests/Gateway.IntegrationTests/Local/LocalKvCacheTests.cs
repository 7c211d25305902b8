using System.Globalization;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.OpenAi;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Local.LocalModelFiles;

namespace Gateway.IntegrationTests.Local;

/// <summary>
/// An ended turn's KV cache stays parked: the next turn of the same conversation prefills only its new tokens, reports
/// the reused ones as cached, and answers exactly as a cold run; more histories than sequences just take each other's place.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalKvCacheTests
{
    /// <summary>The successor model's answer to any ChatML prompt (it ends with "assistant\n"): A … ~, 62 tokens, then end-of-sequence.</summary>
    private static readonly string s_alphabet = string.Concat(Enumerable.Range('A', '~' - 'A' + 1).Select(c => (char)c));

    [Fact]
    public async Task TheSecondTurnReusesTheWholeFirstTurnAndAnswersAsAColdRun()
    {
        await using var warm = Provider();
        var first = await TurnAsync(warm, Successor, ChatMessage.User("hi"));
        Assert.Equal(s_alphabet, first.Text);
        Assert.Null(first.Usage.CacheReadTokens);

        ChatMessage[] history = [ChatMessage.User("hi"), ChatMessage.Assistant(first.Text, []), ChatMessage.User("more")];
        var second = await TurnAsync(warm, Successor, history);
        await using var cold = Provider();
        var coldRun = await TurnAsync(cold, Successor, history);

        Assert.Equal(coldRun.Text, second.Text);
        Assert.Equal(coldRun.Usage with { CacheReadTokens = null }, second.Usage with { CacheReadTokens = null });
        // One token per character: the KV holds turn 1's prompt and every answer token but the end-of-sequence, and
        // turn 2's prompt starts with exactly those (the template writes the answer back as it was generated).
        Assert.Equal(first.Usage.InputTokens + first.Usage.OutputTokens, second.Usage.CacheReadTokens);
        Assert.Null(coldRun.Usage.CacheReadTokens);
        var model = await warm.GetModelAsync(Successor, default);
        Assert.Equal(second.Usage.CacheReadTokens, model.Statistics.CachedPromptTokens);
        await WithinAsync(TimeSpan.FromSeconds(5), () => model.Statistics.ActiveSequences == 0, "the loop has retired the turn");
        Assert.Equal(1, model.Statistics.ParkedSequences);
    }

    [Fact]
    public async Task APlainTextStoryContinuedReusesItsTokensThoughTheTextIsTokenizedAfresh()
    {
        await using var warm = Provider(Options(maxTokens: 20));
        var first = await TurnAsync(warm, Stories, ChatMessage.User("Once upon a time"));
        // No template: the prompt is the text itself, so the story so far continues the KV cache token by token.
        var story = ChatMessage.User("Once upon a time" + first.Text + " The dog");
        var second = await TurnAsync(warm, Stories, story);
        await using var cold = Provider(Options(maxTokens: 20));
        var coldRun = await TurnAsync(cold, Stories, story);

        Assert.Equal(coldRun.Text, second.Text);
        // The whole text is tokenized again and compared token by token with the KV (SentencePiece merges may differ
        // at the seams): at least the first prompt is reused, at most all the KV holds (the 20th token was never fed).
        Assert.InRange(second.Usage.CacheReadTokens ?? 0, first.Usage.InputTokens, first.Usage.InputTokens + first.Usage.OutputTokens - 1);
    }

    [Fact]
    public async Task TwoConversationsTakingTurnsEachKeepTheirOwnCache()
    {
        await using var provider = Provider(Options(maxSequences: 2));
        var a = await TurnAsync(provider, Successor, ChatMessage.User("a"));
        var b = await TurnAsync(provider, Successor, ChatMessage.User("bb"));

        var a2 = await TurnAsync(provider, Successor, ChatMessage.User("a"), ChatMessage.Assistant(a.Text, []), ChatMessage.User("x"));
        var b2 = await TurnAsync(provider, Successor, ChatMessage.User("bb"), ChatMessage.Assistant(b.Text, []), ChatMessage.User("y"));

        Assert.Equal(a.Usage.InputTokens + a.Usage.OutputTokens, a2.Usage.CacheReadTokens);
        Assert.Equal(b.Usage.InputTokens + b.Usage.OutputTokens, b2.Usage.CacheReadTokens);
    }

    [Fact]
    public async Task WhenEverySequenceIsTakenTheLeastRecentlyParkedGivesWay()
    {
        await using var provider = Provider(Options(maxSequences: 2));
        var a = await TurnAsync(provider, Successor, ChatMessage.User("a"));
        var b = await TurnAsync(provider, Successor, ChatMessage.User("bb"));
        // Both sequences hold a parked history; a third conversation takes the older one (a's), reusing only what it
        // shares with it: <s>, "▁" and "<|im_start|>user\n", one token per character.
        var header = 2 + "<|im_start|>user\n".Length;
        var c = await TurnAsync(provider, Successor, ChatMessage.User("ccc"));
        Assert.Equal(header, c.Usage.CacheReadTokens);

        var b2 = await TurnAsync(provider, Successor, ChatMessage.User("bb"), ChatMessage.Assistant(b.Text, []), ChatMessage.User("y"));
        var a2 = await TurnAsync(provider, Successor, ChatMessage.User("a"), ChatMessage.Assistant(a.Text, []), ChatMessage.User("x"));

        Assert.Equal(b.Usage.InputTokens + b.Usage.OutputTokens, b2.Usage.CacheReadTokens);
        Assert.Equal(header, a2.Usage.CacheReadTokens);
    }

    [Fact]
    public async Task MoreHistoriesThanSequencesTakeEachOthersPlaceWithoutAnError()
    {
        string[] prompts = ["abc", "ABC", "0123", "pqrstu", "xyz"];
        await using var cold = Provider(Options(maxSequences: 1));
        var alone = new List<string>();
        foreach (var prompt in prompts)
        {
            alone.Add(await CompleteAsync(await cold.GetModelAsync(Successor, default), prompt));
        }

        await using var provider = Provider(Options(maxSequences: 2, queueSeconds: 5));
        var model = await provider.GetModelAsync(Successor, default);
        for (var round = 0; round < 2; round++)
        {
            // Two at a time, so parked and running sequences together use every sequence id the context has.
            for (var i = 0; i < prompts.Length; i += 2)
            {
                var batch = prompts.Skip(i).Take(2).ToArray();
                var results = await Task.WhenAll(batch.Select(p => CompleteAsync(model, p)));
                Assert.Equal(alone.Skip(i).Take(2), results);
                await WithinAsync(TimeSpan.FromSeconds(5), () => model.Statistics.ActiveSequences == 0, "the loop has retired both turns");
                Assert.InRange(model.Statistics.ParkedSequences, 1, 2);
            }
        }
    }

    [Fact]
    public async Task V1ReportsTheReusedPrefixAsCachedTokens()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var first = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""");
        var second = await host.CompleteAsync("""
            {"model":"successor-tiny","max_tokens":5,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"ABCDE"},{"role":"user","content":"x"}]}
            """);

        Assert.Equal(200, first.StatusCode);
        Assert.DoesNotContain("prompt_tokens_details", first.Body, StringComparison.Ordinal);
        // <s>, "▁", then one token per character; the KV kept the prompt and 4 of the 5 answer tokens (the 5th was never fed back).
        var firstPrompt = 2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length;
        var secondPrompt = firstPrompt + "ABCDE<|im_end|>\n<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n".Length;
        Assert.EndsWith(
            $$""","usage":{"prompt_tokens":{{secondPrompt}},"completion_tokens":5,"total_tokens":{{secondPrompt + 5}},"prompt_tokens_details":{"cached_tokens":{{firstPrompt + 4}}""" + "}}}",
            second.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatReportsTheReusedPrefixAsCacheReadTokens()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var first = await ChatUsageAsync(host, """{"model":"successor-tiny","messages":[{"role":"user","content":"Hi"}]}""");
        var second = await ChatUsageAsync(host, $$"""
            {"model":"successor-tiny","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"{{s_alphabet.Replace("\\", "\\\\", StringComparison.Ordinal)}}"},{"role":"user","content":"x"}]}
            """);

        Assert.Null(first.Field("cacheReadTokens"));
        var firstPrompt = 2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length;
        Assert.Equal((firstPrompt + s_alphabet.Length).ToString(CultureInfo.InvariantCulture), second.Field("cacheReadTokens"));
    }

    [Fact]
    public async Task AnAbandonedTurnIsParkedWithTheTokensItFedAndTheSamePromptReusesThem()
    {
        // One sequence: the next turn must run in the parked one, whatever it shares with it.
        await using var provider = Provider(Options(maxTokens: 100_000, maxSequences: 1));
        var model = await provider.GetModelAsync(Stories, default);
        using (var abandoned = await model.StartAsync("Once upon a time", parseSpecial: false, [], maxTokens: 100_000, default))
        {
            for (var received = 0; received < 3;)
            {
                var item = await abandoned.Events.ReadAsync();
                received += item.Kind == ProviderEventKind.TextDelta ? 1 : throw new InvalidOperationException($"unexpected {item.Kind}");
            }
        }
        await WithinAsync(TimeSpan.FromSeconds(5), () => model.Statistics.ActiveSequences == 0, "the loop has retired the abandoned turn");
        Assert.Equal(1, model.Statistics.ParkedSequences);

        var (_, ends) = await CollectAsync(await model.StartAsync("Once upon a time", parseSpecial: false, [], maxTokens: 3, default));

        // The prompt is all in the parked KV cache; every token but its last is reused.
        var usage = AssertFinished(ends, FinishReason.Length);
        Assert.Equal(usage.InputTokens - 1, usage.CacheReadTokens);
    }

    private static async Task<ServerSentEvent> ChatUsageAsync(ChatTestHost host, string json)
    {
        var (connection, stream) = await host.OpenChatAsync(json);
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();
        Assert.Equal("usage", events[^2].Name);
        return events[^2];
    }

    private static async Task<(string Text, TokenUsage Usage)> TurnAsync(LocalModelProvider provider, string model, params ChatMessage[] messages)
    {
        var (deltas, ends) = await CollectAsync(provider.StreamEventsAsync(LocalGenerationTests.Turn(model, messages), default));
        var usage = ends[^1].Usage;
        Assert.Equal(ProviderEventKind.Usage, ends[^1].Kind);
        return (string.Concat(deltas), usage);
    }

    private static async Task<string> CompleteAsync(LocalModel model, string prompt)
    {
        var (deltas, ends) = await CollectAsync(await model.StartAsync(prompt, parseSpecial: false, [], maxTokens: 512, default));
        AssertFinished(ends, FinishReason.Stop);
        return string.Concat(deltas);
    }
}

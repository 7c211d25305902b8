using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using static Gateway.IntegrationTests.Local.LocalModelFiles;

namespace Gateway.IntegrationTests.Local;

/// <summary>What the local provider generates: exact greedy output, prompts with and without a template, limits and failures.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalGenerationTests : IAsyncLifetime
{
    private readonly LocalModelProvider _provider = Provider(Options(maxTokens: 100));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task ListsEveryGgufFileByItsNameInOrdinalOrder()
    {
        Assert.Equal([Stories, Successor], await _provider.ListModelsAsync(default));
        Assert.Equal("local", _provider.Name);
    }

    [Fact]
    public async Task RawCompletionOfAbcIsTheSuccessorAlphabetOneTokenPerDelta()
    {
        var model = await _provider.GetModelAsync(Successor, default);
        var (deltas, ends) = await CollectAsync(await model.StartAsync("abc", parseSpecial: false, [], maxTokens: 512, default));

        Assert.Equal("defghijklmnopqrstuvwxyz{|}~".Select(c => c.ToString()), deltas);
        // <s>, the tokenizer's leading "▁", a, b, c; 27 characters, then end-of-sequence (not counted).
        Assert.Equal(new TokenUsage(5, 27), AssertFinished(ends, FinishReason.Stop));
    }

    [Fact]
    public async Task ChatPromptGoesThroughTheModelsChatMlTemplate()
    {
        var model = await _provider.GetModelAsync(Successor, default);
        Assert.True(model.UsesChatTemplate);

        var (deltas, ends) = await CollectAsync(_provider.StreamEventsAsync(Turn(Successor, ChatMessage.System("Be brief."), ChatMessage.User("hi")), default));

        // The template ends with "<|im_start|>assistant\n"; this model answers a newline with A, B, C, … ~ then end-of-sequence.
        Assert.Equal(Enumerable.Range('A', '~' - 'A' + 1).Select(c => ((char)c).ToString()), deltas);
        var usage = AssertFinished(ends, FinishReason.Stop);
        Assert.Equal(62, usage.OutputTokens);
        // <s> + "▁<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", one token per character.
        Assert.Equal(1 + 1 + "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n".Length, usage.InputTokens);
    }

    [Fact]
    public async Task AModelWithoutTemplateContinuesThePlainTextAsAStory()
    {
        var model = await _provider.GetModelAsync(Stories, default);
        Assert.False(model.UsesChatTemplate);

        var (deltas, ends) = await CollectAsync(_provider.StreamEventsAsync(Turn(Stories, ChatMessage.User("Once upon a time")), default));

        var story = string.Concat(deltas);
        Assert.StartsWith(", there was a little girl named Lily. She loved to play", story, StringComparison.Ordinal);
        Assert.True(story.Length > 200, story);
        Assert.True(deltas.Count > 50, "one delta per token");
        Assert.Equal(100, AssertFinished(ends, FinishReason.Length).OutputTokens); // LOCAL_MAX_TOKENS of this provider
    }

    [Fact]
    public async Task GenerationStopsAtAStopStringAndHoldsBackNothingElse()
    {
        var model = await _provider.GetModelAsync(Successor, default);

        var (deltas, ends) = await CollectAsync(await model.StartAsync("abc", parseSpecial: false, ["jk", "xyz"], maxTokens: 512, default));

        Assert.Equal("defghi", string.Concat(deltas));
        Assert.Equal(["d", "e", "f", "g", "h", "i"], deltas); // "j" waited for "k"; nothing was sent after the stop.
        Assert.Equal(8, AssertFinished(ends, FinishReason.Stop).OutputTokens);
    }

    [Fact]
    public async Task GenerationStopsAtMaxTokens()
    {
        var model = await _provider.GetModelAsync(Successor, default);

        var (deltas, ends) = await CollectAsync(await model.StartAsync("abc", parseSpecial: false, [], maxTokens: 5, default));

        Assert.Equal("defgh", string.Concat(deltas));
        Assert.Equal(new TokenUsage(5, 5), AssertFinished(ends, FinishReason.Length));
    }

    [Fact]
    public async Task GenerationStopsAtTheContextLimit()
    {
        // successor-tiny was trained with a 512-token context: that caps LOCAL_CONTEXT_SIZE (2048 here).
        var model = await _provider.GetModelAsync(Successor, default);
        Assert.Equal(512, model.ContextPerSequence);
        var prompt = new string('a', 500); // 502 tokens with <s> and "▁"; room for 10 more.

        var (deltas, ends) = await CollectAsync(await model.StartAsync(prompt, parseSpecial: false, [], maxTokens: 512, default));

        Assert.Equal("bcdefghijkl", string.Concat(deltas)); // The 11th token needs no room: it is sampled, not stored.
        Assert.Equal(new TokenUsage(502, 11), AssertFinished(ends, FinishReason.Length));
    }

    [Fact]
    public async Task APromptLongerThanTheContextFailsWithOneClearError()
    {
        var (deltas, ends) = await CollectAsync(_provider.StreamEventsAsync(Turn(Successor, ChatMessage.User(new string('x', 600))), default));

        Assert.Empty(deltas);
        var error = Assert.Single(ends);
        Assert.Equal(ProviderEventKind.Error, error.Kind);
        Assert.Contains("more than the 512 tokens a sequence holds", error.Text, StringComparison.Ordinal);
        Assert.Equal(400, error.StatusCode); // The caller's prompt is at fault.
    }

    [Fact]
    public async Task AnUnknownModelFailsWithOneError()
    {
        var (deltas, ends) = await CollectAsync(_provider.StreamEventsAsync(Turn("nope", ChatMessage.User("hi")), default));

        Assert.Empty(deltas);
        Assert.Equal(ProviderEventKind.Error, Assert.Single(ends).Kind);
        Assert.Contains("Local model 'nope' not found", ends[0].Text, StringComparison.Ordinal);
        Assert.Equal(404, ends[0].StatusCode);
    }

    [Fact]
    public async Task ALocalModelOfferedToolsMayAnswerInText()
    {
        var tools = new[] { new ToolDefinition("bash", "Runs a command.", Gateway.Tools.RawJson.EmptyObject) };

        var (deltas, ends) = await CollectAsync(_provider.StreamEventsAsync(new ModelTurnRequest(Successor, [ChatMessage.User("hi")], tools), default));

        Assert.Equal(62, deltas.Count);
        AssertFinished(ends, FinishReason.Stop);
    }

    internal static ModelTurnRequest Turn(string model, params ChatMessage[] messages) => new(model, messages, []);
}

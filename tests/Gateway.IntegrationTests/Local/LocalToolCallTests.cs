using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Local.Tools;
using Gateway.Tools;
using LLama.Native;
using static Gateway.IntegrationTests.Local.LocalModelFiles;

namespace Gateway.IntegrationTests.Local;

/// <summary>
/// Calls through the decode loop: the grammar in the sequence's sampler, from the first token (a required call) or from the
/// opener the model writes (toolChoice auto), and the family's parser on its text.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalToolCallTests : IAsyncLifetime
{
    private const string Prompt = "<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n";

    // BOS, SentencePiece's leading "▁", then one token a character.
    private const int PromptTokens = 2 + 58;

    // What successor-tiny writes on the auto turn below (one token a character): "ABC", the opener "DEF", then the call the grammar lets it write.
    private const string Answer = "ABCDEF\n{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"fahrenheit\"}}\n</tool_call>";

    private static readonly ToolDefinition[] s_tools =
    [
        new("get_weather", "Weather in a unit.", RawJson.Parse("""{"type": "object", "properties": {"unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["unit"]}""")),
    ];

    private readonly LocalModelProvider _provider = Provider();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task ARequiredCallBesideAFreeTurnInTheSameBatch()
    {
        var model = await _provider.GetModelAsync(Successor, default);
        var turn = new LocalToolTurn(LocalToolFamily.Fallback, "<tool_call>\n", ToolCallGrammar.For(LocalToolFamily.Fallback, s_tools, parallel: false));

        var calling = model.StartAsync(Prompt + "<tool_call>\n", parseSpecial: false, [], maxTokens: 128, default, LocalSampling.Greedy, turn);
        var free = model.StartAsync(Prompt, parseSpecial: false, [], maxTokens: 128, default);
        var events = await ReadAsync(await calling);
        var (deltas, ends) = await CollectAsync(await free);

        // The streamed call, its completion, then a tool_calls finish; no text (the call's syntax is not the answer's).
        Assert.Equal(
            [ProviderEventKind.ToolCallStart, ProviderEventKind.ToolArguments, ProviderEventKind.ToolCall, ProviderEventKind.Finish, ProviderEventKind.Usage],
            events.Select(e => e.Kind).Distinct());
        var call = Assert.Single(events, e => e.Kind == ProviderEventKind.ToolCall).ToolCall!;
        Assert.Equal(("get_weather", "{\"unit\":\"fahrenheit\"}", null), (call.Name, call.Arguments.ToString(), call.InvalidArguments));
        Assert.Equal(call.Id, Assert.Single(events, e => e.Kind == ProviderEventKind.ToolCallStart).ToolCall!.Id);
        Assert.Equal("{\"unit\":\"fahrenheit\"}", string.Concat(events.Where(e => e.Kind == ProviderEventKind.ToolArguments).Select(e => e.Text)));
        Assert.Equal(FinishReason.ToolCalls, Assert.Single(events, e => e.Kind == ProviderEventKind.Finish).Reason);
        // The turn beside it samples freely: successor-tiny's own answer.
        Assert.Equal("ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", string.Concat(deltas));
        AssertFinished(ends, FinishReason.Stop);
    }

    [Fact]
    public async Task TheNextTurnRepeatsTheCallsTextAndReusesTheKeptPromptBeforeIt()
    {
        var model = await _provider.GetModelAsync(Successor, default);
        var format = LocalPromptFormat.Create(LocalPromptFormatTests.ChatMl, out _);
        var turn = new LocalToolTurn(LocalToolFamily.Fallback, "<tool_call>\n", ToolCallGrammar.For(LocalToolFamily.Fallback, s_tools, parallel: false));
        ChatMessage[] question = [ChatMessage.User("Weather?")];
        // Turn 1 must call, with no tools offered in its text: an offer kept on turn 2 as well would not fit successor-tiny's 512 tokens.
        var (prompt, special) = format.Format(question, begun: turn.Begun);
        var first = await ReadAsync(await model.StartAsync(prompt, special, format.StopStrings, maxTokens: 128, default, LocalSampling.Greedy, turn));
        var call = Assert.Single(first, e => e.Kind == ProviderEventKind.ToolCall).ToolCall!;
        var used = Assert.Single(first, e => e.Kind == ProviderEventKind.Usage).Usage;

        ChatMessage[] history = [.. question, ChatMessage.Assistant("", [call]), ChatMessage.ToolResult(call.Id, [ContentPart.FromText("64 F")])];
        (prompt, special) = format.Format(history);
        var (deltas, ends) = await CollectAsync(await model.StartAsync(prompt, special, format.StopStrings, maxTokens: 128, default));

        // The prompt replays the call in the very text the grammar let the model write.
        Assert.Equal(call.Arguments.ToString(), string.Concat(first.Where(e => e.Kind == ProviderEventKind.ToolArguments).Select(e => e.Text)));
        Assert.Contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"fahrenheit\"}}\n</tool_call><|im_end|>\n", prompt, StringComparison.Ordinal);
        // Token for token it differs: under the grammar successor-tiny writes most characters as byte tokens (<0x7B> for
        // "{"), which tokenizing the text never yields, so its reuse ends where the call begins (a model that writes its
        // usual tokens keeps the call too).
        Assert.Equal(used.InputTokens, ends[^1].Usage.CacheReadTokens);
        Assert.Equal("ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", string.Concat(deltas));
    }

    [Fact]
    public async Task TheAnswerSwitchesToTheCallGrammarOnceTheModelWritesTheOpener()
    {
        var model = await _provider.GetModelAsync(Successor, default);
        // successor-tiny answers "ABCDEF…": "DEF" stands in for the family's opener, written by the model mid-answer.
        var opener = new ToolCallOpener("DEF", Token: null, ToolCallGrammar.For(LocalToolFamily.Fallback, s_tools, parallel: false, afterOpener: true), ToolCallGrammar.Lead(LocalToolFamily.Fallback));
        var turn = new LocalToolTurn(LocalToolFamily.Fallback, "", Grammar: null) { Opener = opener };

        var sequence = await model.StartAsync(Prompt, parseSpecial: false, [], maxTokens: 128, default, LocalSampling.Greedy, turn);
        var events = await ReadAsync(sequence);

        // The text before the opener streams as text; the opener itself is the call's, never text.
        Assert.Equal("ABC", string.Concat(events.Where(e => e.Kind == ProviderEventKind.TextDelta).Select(e => e.Text)));
        Assert.Equal("get_weather", Assert.Single(events, e => e.Kind == ProviderEventKind.ToolCallStart).ToolCall!.Name);
        Assert.Equal("{\"unit\":\"fahrenheit\"}", string.Concat(events.Where(e => e.Kind == ProviderEventKind.ToolArguments).Select(e => e.Text)));
        var call = Assert.Single(events, e => e.Kind == ProviderEventKind.ToolCall).ToolCall!;
        Assert.Equal(("get_weather", "{\"unit\":\"fahrenheit\"}", null), (call.Name, call.Arguments.ToString(), call.InvalidArguments));
        Assert.Equal(
            [ProviderEvent.Finished(FinishReason.ToolCalls), ProviderEvent.UsageReported(new TokenUsage(PromptTokens, Answer.Length))],
            events[^2..]);

        // The KV cache holds the prompt and every answer token but the final end of generation, the opener's among them.
        Assert.Equal(PromptTokens + Answer.Length, sequence.KvTokens.Count);
    }

    [Fact]
    public async Task AnOpenerTokenSwitchesToTheCallGrammarAndIsReadAsTheOpenersText()
    {
        var model = await _provider.GetModelAsync(Successor, default);
        LLamaToken d;
        using (var vocabulary = new GrammarDecoder())
        {
            d = vocabulary.TokenOf('D');
        }
        // "D" stands in for a control token such as <|python_tag|>: told by its id, read as the family's opener.
        var opener = new ToolCallOpener("<tool_call>", d, ToolCallGrammar.For(LocalToolFamily.Fallback, s_tools, parallel: false, afterOpener: true), ToolCallGrammar.Lead(LocalToolFamily.Fallback));
        var turn = new LocalToolTurn(LocalToolFamily.Fallback, "", Grammar: null) { Opener = opener };

        var sequence = await model.StartAsync(Prompt, parseSpecial: false, [], maxTokens: 128, default, LocalSampling.Greedy, turn);
        var events = await ReadAsync(sequence);

        Assert.Equal("ABC", string.Concat(events.Where(e => e.Kind == ProviderEventKind.TextDelta).Select(e => e.Text)));
        var call = Assert.Single(events, e => e.Kind == ProviderEventKind.ToolCall).ToolCall!;
        Assert.Equal(("get_weather", null), (call.Name, call.InvalidArguments));
        Assert.Contains(call.Arguments.ToString(), new[] { "{\"unit\":\"celsius\"}", "{\"unit\":\"fahrenheit\"}" });
        Assert.Equal(ProviderEvent.Finished(FinishReason.ToolCalls), events[^2]);
        Assert.Equal(PromptTokens + events[^1].Usage.OutputTokens, sequence.KvTokens.Count);
    }

    [Fact]
    public async Task AnAutoTurnIsOfferedTheToolsOnlyWhenTheWholeAnswerStillFitsBesideThem()
    {
        var model = await _provider.GetModelAsync(Successor, default);

        var bare = await PromptTokensAsync(model, [], maxTokens: 1);
        var offered = await PromptTokensAsync(model, s_tools, maxTokens: 1);

        Assert.True(offered > bare, $"{offered} > {bare}");
        // At the edge the prompt with the offer and the longest answer fill the sequence exactly; one token more and the
        // turn runs without the tools, as the same request without them would.
        Assert.Equal(offered, await PromptTokensAsync(model, s_tools, maxTokens: (int)(model.ContextPerSequence - offered)));
        Assert.Equal(bare, await PromptTokensAsync(model, s_tools, maxTokens: (int)(model.ContextPerSequence - offered + 1)));
    }

    [Fact]
    public async Task ANamedChoiceIsOfferedEveryToolAsTheAutoTurnsAfterItAreAndFallsBackToItsOwnWhenTheyDoNotFit()
    {
        var model = await _provider.GetModelAsync(Successor, default);
        // Small tools: successor-tiny's context is 512 tokens, one a character.
        ToolDefinition one = new("a", "", RawJson.Parse("""{"type": "object"}"""));
        ToolDefinition[] both = [one, new("b", "", RawJson.Parse("""{"type": "object"}"""))];
        var named = new TurnOptions { ToolChoice = ToolChoice.Named("a") };

        var all = await PromptTokensAsync(model, both, maxTokens: 1, named);
        var own = await PromptTokensAsync(model, [one], maxTokens: 1, named);

        // The same offer as an auto turn's, so the loop's next turn finds this one's prompt in the kept KV cache.
        Assert.True(all > own, $"{all} > {own}");
        Assert.Equal(all, await PromptTokensAsync(model, both, maxTokens: (int)(model.ContextPerSequence - all), named));
        Assert.Equal(own, await PromptTokensAsync(model, both, maxTokens: (int)(model.ContextPerSequence - all + 1), named));
    }

    private static async Task<long> PromptTokensAsync(LocalModel model, IReadOnlyList<ToolDefinition> tools, int maxTokens, TurnOptions? options = null)
    {
        var turn = (options ?? new TurnOptions()) with { MaxTokens = maxTokens };
        var events = await ReadAsync(await model.StartAsync([ChatMessage.User("Weather?")], turn, tools, default));
        return Assert.Single(events, e => e.Kind == ProviderEventKind.Usage).Usage.InputTokens;
    }

    private static async Task<List<ProviderEvent>> ReadAsync(LocalSequence sequence)
    {
        using (sequence)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var events = new List<ProviderEvent>();
            await foreach (var item in sequence.Events.ReadAllAsync(timeout.Token))
            {
                events.Add(item);
            }
            return events;
        }
    }
}

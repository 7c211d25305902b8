using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Local.Tools;
using Gateway.Tools;
using static Gateway.IntegrationTests.Local.LocalModelFiles;

namespace Gateway.IntegrationTests.Local;

/// <summary>A required call through the decode loop: the grammar in the sequence's sampler, the family's parser on its text.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalToolCallTests : IAsyncLifetime
{
    private const string Prompt = "<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n";

    private static readonly ToolDefinition[] s_tools =
    [
        new("get_weather", "Weather in a unit.", RawJson.Parse("""{"type": "object", "properties": {"unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["unit"]}""")),
    ];

    private readonly LocalModelProvider _provider = Provider(Options(maxTokens: 128));

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
    public async Task TheNextTurnReusesTheKeptSequenceThroughTheReplayedCall()
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

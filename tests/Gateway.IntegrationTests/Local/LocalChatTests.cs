using System.Diagnostics;
using System.Globalization;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Configuration;
using Gateway.Server.Conversation;
using Gateway.Tools;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Local.LocalModelFiles;

namespace Gateway.IntegrationTests.Local;

/// <summary>POST /chat on local models, end to end: the exact event stream, the default model, concurrent sessions, disconnects, a toolChoice call.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalChatTests
{
    [Fact]
    public async Task SuccessorModelStreamsOneTextEventPerTokenThenRealUsage()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);
        var (connection, stream) = await host.OpenChatAsync("""{"model":"successor-tiny","messages":[{"role":"user","content":"Say the alphabet."}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();

        var expected = Enumerable.Range('A', '~' - 'A' + 1).Select(c => ((char)c).ToString()).ToList();
        Assert.Equal(["connected", "harness_start", .. expected.Select(_ => "text"), "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Equal(expected, events.Where(e => e.Name == "text").Select(e => e.Field("content")));
        Assert.Single(events.Where(e => e.Name == "text").Select(e => e.Field("id")).Distinct());
        var usage = events[^2];
        // <s>, "▁", then one token per character of "<|im_start|>user\nSay the alphabet.<|im_end|>\n<|im_start|>assistant\n".
        Assert.Equal((2 + "<|im_start|>user\nSay the alphabet.<|im_end|>\n<|im_start|>assistant\n".Length).ToString(CultureInfo.InvariantCulture), usage.Field("inputTokens"));
        Assert.Equal("62", usage.Field("outputTokens"));
        Assert.Null(usage.Field("cacheReadTokens"));
        Assert.True(stream.Ended);
    }

    [Fact]
    public async Task WithNoRemoteProviderTheFirstLocalModelIsTheDefault()
    {
        var options = GatewayOptions.FromEnvironment(name => name == "MODELS_DIR" ? LocalModelFiles.Directory : null);
        Assert.Equal(Stories, options.DefaultModel);
        await using var local = Provider(Options(maxTokens: 60));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local], defaultModel: options.DefaultModel);

        await using (var models = await RawConnection.ConnectAsync(host.Host.EndPoint))
        {
            await models.SendAsync("GET /models HTTP/1.1\r\nHost: test\r\n\r\n");
            Assert.Equal("""{"models":["test-model","stories260K","successor-tiny"],"defaultModel":"stories260K"}""", (await models.ReadResponseAsync()).Body);
        }
        var (connection, stream) = await host.OpenChatAsync("""{"messages":[{"role":"user","content":"Once upon a time"}]}""");
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();

        var story = string.Concat(events.Where(e => e.Name == "text").Select(e => e.Field("content")));
        Assert.StartsWith(", there was a little girl named Lily.", story, StringComparison.Ordinal);
        Assert.Equal(("5", "60"), (events[^2].Field("inputTokens"), events[^2].Field("outputTokens")));
    }

    [Fact]
    public async Task ConcurrentSessionsDecodeTogetherAndGetTheTextTheyGetAlone()
    {
        string[] prompts = ["Once upon a time", "The little dog", "Tom and Sue went", "One day, a bird"];
        await using var local = Provider(Options(maxTokens: 80));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);
        var model = await local.GetModelAsync(Stories, default);

        var alone = new List<string>();
        foreach (var prompt in prompts)
        {
            alone.Add(await StoryAsync(host, prompt));
        }
        var decodesAlone = model.Statistics.DecodeCalls;

        Task<string>[] sessions;
        using (model.HoldDecoding())
        {
            sessions = [.. prompts.Select(p => StoryAsync(host, p))];
            await WithinAsync(TimeSpan.FromSeconds(5), () => model.Statistics.QueuedSequences == prompts.Length, "every session's turn is queued");
        }
        var together = await Task.WhenAll(sessions);

        Assert.Equal(alone, together);
        Assert.Equal(prompts.Length, model.Statistics.MaxSequencesPerDecode);
        Assert.True(model.Statistics.DecodeCalls - decodesAlone <= 80, $"{model.Statistics.DecodeCalls - decodesAlone} decode calls for four sessions of at most 80 tokens");
    }

    [Fact]
    public async Task ADisconnectedClientsSequenceIsFreedWithinOneSecond()
    {
        await using var local = Provider(Options(maxTokens: 100_000));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);
        var (connection, stream) = await host.OpenChatAsync("""{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}]}""");
        await stream.ReadUntilAsync("text");
        var model = await local.GetModelAsync(Stories, default);
        Assert.Equal(1, model.Statistics.ActiveSequences);

        var clock = Stopwatch.StartNew();
        await connection.DisposeAsync();
        await WithinAsync(TimeSpan.FromSeconds(1), () => model.Statistics.ActiveSequences == 0, "the sequence is freed");
        await WithinAsync(TimeSpan.FromSeconds(1) - clock.Elapsed, () => host.Host.Sessions.Count == 0, "the session is removed");
        Assert.True(model.Statistics.GeneratedTokens < 2000, "it stopped long before its context was full");
    }

    [Fact]
    public async Task ANamedToolChoiceCallsTheToolThroughTheRelayAndTheLoopAnswersInTheNextTurn()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local], tools: new WeatherRegistry());
        // maxDepth 0: the registry's tool is the only one, so the prompt fits successor-tiny's 512 tokens.
        var (connection, stream) = await host.OpenChatAsync(
            """{"model":"successor-tiny","messages":[{"role":"user","content":"Weather?"}],"maxDepth":0,"toolChoice":"get_weather"}""");
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        Assert.Equal(["connected", "harness_start", "usage", "relay"], head.Select(e => e.Name));
        var sessionId = head[0].Field("sessionId");
        var (runId, agentId) = (head[1].Field("runId"), head[1].Field("agentId"));
        var relayId = head[3].Field("id");
        var callId = head[3].Field("toolCallId")!;
        Assert.StartsWith($"{runId}/call_", callId, StringComparison.Ordinal);
        // Turn 1: the tool offered in the system message, the prompt ending with the opener; the call text is no answer text.
        // One token per character after <s> and "▁" (successor-tiny has no special tokens); 72 tokens of call, then end-of-sequence.
        var offer = "Tools: <tools>" + WeatherRegistry.ToolJson + "\n</tools>\nTo call one, answer only <tool_call>\n{\"name\": <tool name>, \"arguments\": <arguments object>}\n</tool_call>";
        var firstPrompt = $"<|im_start|>system\n{offer}<|im_end|>\n<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n";
        Assert.Equal(Usage(head[2].Field("runId"), runId, agentId, 2 + firstPrompt.Length, Call.Length), head[2].Data);
        // No permission rule allows it: the client is asked (SPEC §6).
        Assert.Equal(
            $$"""{"type":"relay","kind":"permission","runId":"{{runId}}","id":"{{relayId}}","toolCallId":"{{callId}}","tool":"get_weather","params":{"unit":"fahrenheit"},"agentId":"{{agentId}}"}""",
            head[3].Data);

        var answer = await host.AnswerRelayAsync(relayId!, $$$"""{"sessionId":"{{{sessionId}}}","response":{"approved":true}}""");
        Assert.Equal((200, """{"success":true}"""), (answer.StatusCode, answer.Body));
        var events = await stream.ReadAllEventsAsync();

        var alphabet = Enumerable.Range('A', '~' - 'A' + 1).Select(c => ((char)c).ToString()).ToList();
        Assert.Equal(["tool_call", "tool_result", .. alphabet.Select(_ => "text"), "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{callId}}","name":"get_weather","input":{"unit":"fahrenheit"},"agentId":"{{agentId}}"}""", events[0].Data);
        Assert.Equal(
            $$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{callId}}}","name":"get_weather","output":{"context":"64 F","result":{"degrees":64}},"agentId":"{{{agentId}}}"}""",
            events[1].Data);
        // Turn 2 is auto and offers no tools: successor-tiny answers the result with its alphabet.
        var texts = events[2..^2];
        Assert.Equal(alphabet, texts.Select(e => e.Field("content")));
        Assert.All(texts, e => Assert.Equal((runId, agentId), (e.Field("parentId"), e.Field("agentId"))));
        Assert.Single(texts.Select(e => (e.Field("runId"), e.Field("id"))).Distinct());
        // Its prompt replays the call as the grammar made the model write it, then the result in a user turn. Without the
        // offer (612 tokens with it, more than the 512 the model has) it does not continue turn 1's kept sequence: no cache read.
        var secondPrompt = $"<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{Call}<|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\n64 F\n</tool_response><|im_end|>\n<|im_start|>assistant\n";
        Assert.Equal(Usage(texts[0].Field("runId"), runId, agentId, 2 + secondPrompt.Length, alphabet.Count), events[^2].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[^1].Data);
        Assert.True(stream.Ended);
    }

    private static async Task<string> StoryAsync(ChatTestHost host, string prompt)
    {
        var (connection, stream) = await host.OpenChatAsync($$"""{"model":"stories260K","messages":[{"role":"user","content":"{{prompt}}"}]}""");
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();
        Assert.Equal("usage", events[^2].Name);
        return string.Concat(events.Where(e => e.Name == "text").Select(e => e.Field("content")));
    }

    /// <summary>The call as the grammar makes successor-tiny write it after the opener, and as the next prompt replays it.</summary>
    private const string Call = "{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"fahrenheit\"}}\n</tool_call>";

    private static string Usage(string? providerRunId, string? runId, string? agentId, int input, int output) =>
        $$"""{"type":"usage","runId":"{{providerRunId}}","parentId":"{{runId}}","inputTokens":{{input}},"outputTokens":{{output}},"agentId":"{{agentId}}"}""";

    /// <summary>One tool whose only argument is an enum: successor-tiny never ends a free string under a grammar.</summary>
    private sealed class WeatherRegistry : IToolRegistry
    {
        private const string Schema = """{"type":"object","properties":{"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["unit"]}""";

        /// <summary>The tool as the fallback offer prints it.</summary>
        public const string ToolJson = """{"type":"function","function":{"name":"get_weather","description":"The weather.","parameters":""" + Schema + "}}";

        public IReadOnlyList<ToolDefinition> Definitions { get; } = [new("get_weather", "The weather.", RawJson.Parse(Schema))];

        public bool Contains(string name) => name == "get_weather";

        public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ToolResult.Success("64 F", RawJson.Parse("""{"degrees":64}""")));
    }
}

using System.Diagnostics;
using System.Globalization;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Configuration;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Local.LocalModelFiles;

namespace Gateway.IntegrationTests.Local;

/// <summary>POST /chat on local models, end to end: the exact event stream, the default model, concurrent sessions, disconnects.</summary>
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

    private static async Task<string> StoryAsync(ChatTestHost host, string prompt)
    {
        var (connection, stream) = await host.OpenChatAsync($$"""{"model":"stories260K","messages":[{"role":"user","content":"{{prompt}}"}]}""");
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();
        Assert.Equal("usage", events[^2].Name);
        return string.Concat(events.Where(e => e.Name == "text").Select(e => e.Field("content")));
    }
}

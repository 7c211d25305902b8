using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Upstream;

namespace Gateway.IntegrationTests.Infrastructure.Upstream;

/// <summary>Shared helpers for provider tests: fast upstream options, the fake upstreams' model lists, and collecting a turn's events.</summary>
internal static class ProviderTestKit
{
    /// <summary>An OpenAI-compatible upstream's model list: <c>gpt-test</c>.</summary>
    public const string OpenAiListing = """{"object":"list","data":[{"id":"gpt-test","object":"model"}]}""";

    /// <summary>An Anthropic upstream's model list: <c>claude-test</c>.</summary>
    public const string AnthropicListing = """{"data":[{"type":"model","id":"claude-test"}],"has_more":false}""";

    /// <summary>Short retry waits so failure tests take milliseconds; a first-byte bound far above any scripted pause.</summary>
    public static UpstreamHttpOptions FastOptions { get; } = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromSeconds(3),
        FirstByteTimeout = TimeSpan.FromSeconds(10),
    };

    public static ModelTurnRequest Hello(string model = "test-model") => new(model, [ChatMessage.User("Hi")], []);

    /// <summary>Every event of the turn; the test fails if that takes more than 10 s.</summary>
    /// <param name="onText">Runs after each text delta is taken, before the next event is asked for.</param>
    public static Task<List<ProviderEvent>> CollectAsync(this IAsyncEnumerable<ProviderEvent> events, Action? onText = null) =>
        CollectCoreAsync(events, onText).WaitAsync(TimeSpan.FromSeconds(10));

    private static async Task<List<ProviderEvent>> CollectCoreAsync(IAsyncEnumerable<ProviderEvent> events, Action? onText)
    {
        var list = new List<ProviderEvent>();
        await foreach (var item in events)
        {
            list.Add(item);
            if (item.Kind == ProviderEventKind.TextDelta)
            {
                onText?.Invoke();
            }
        }
        return list;
    }
}

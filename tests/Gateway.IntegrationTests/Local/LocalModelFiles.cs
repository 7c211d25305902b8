using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;

namespace Gateway.IntegrationTests.Local;

/// <summary>The shared test models (../shared/models beside the repository) and providers over them.</summary>
internal static class LocalModelFiles
{
    public const string Successor = "successor-tiny";
    public const string Stories = "stories260K";

    /// <summary>The repository root: the first directory up from the test binaries that holds Gateway.slnx.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Directory { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "models"));

    /// <summary>Options for tests: the shared models, small limits so every test stays fast.</summary>
    public static LocalModelOptions Options(int maxTokens = 512, int maxSequences = 8, double queueSeconds = 30) => new()
    {
        ModelsDirectory = Directory,
        MaxTokens = maxTokens,
        MaxSequences = maxSequences,
        ContextSize = 2048,
        QueueTimeout = TimeSpan.FromSeconds(queueSeconds),
        // Tests run beside each other on two cores; one thread per model keeps them from fighting (results do not depend on it).
        Threads = 1,
    };

    public static LocalModelProvider Provider(LocalModelOptions? options = null) => new(options ?? Options(), GatewayLog.Silent);

    /// <summary>Collects a turn's events: the text deltas, and the one usage or error that ends it.</summary>
    public static async Task<(List<string> Deltas, List<ProviderEvent> Ends)> CollectAsync(IAsyncEnumerable<ProviderEvent> events)
    {
        var deltas = new List<string>();
        var ends = new List<ProviderEvent>();
        await foreach (var item in events)
        {
            if (item.Kind == ProviderEventKind.TextDelta)
            {
                Assert.Empty(ends); // Nothing follows the usage or the error.
                deltas.Add(item.Text!);
            }
            else
            {
                ends.Add(item);
            }
        }
        return (deltas, ends);
    }

    /// <summary>Asserts a turn ended normally, for <paramref name="reason"/>, with one usage event; returns the usage.</summary>
    public static TokenUsage AssertFinished(List<ProviderEvent> ends, FinishReason reason)
    {
        Assert.Equal(2, ends.Count);
        Assert.Equal(ProviderEvent.Finished(reason), ends[0]);
        Assert.Equal(ProviderEventKind.Usage, ends[1].Kind);
        return ends[1].Usage;
    }

    /// <summary>A sequence's events, collected the way the provider streams them.</summary>
    public static async Task<(List<string> Deltas, List<ProviderEvent> Ends)> CollectAsync(LocalSequence sequence)
    {
        using (sequence)
        {
            return await CollectAsync(sequence.Events.ReadAllAsync());
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Gateway.slnx above {AppContext.BaseDirectory}.");
    }
}

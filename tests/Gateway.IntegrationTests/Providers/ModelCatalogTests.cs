using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Providers;

/// <summary>Model resolution (listed ids, then explicit <c>provider/model</c>) and the background refresh.</summary>
public sealed class ModelCatalogTests
{
    private readonly FakeModelProvider _openai = new("openai", "gpt-4o");
    private readonly FakeModelProvider _openRouter = new("openrouter", "anthropic/claude-3.5", "openai/gpt-4o-mini");
    private readonly FakeModelProvider _anthropic = new("anthropic", "claude-sonnet-4-5");

    [Theory]
    [InlineData("gpt-4o", "openai", "gpt-4o")]
    [InlineData("claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5")]
    [InlineData("openrouter/anthropic/claude-3.5", "openrouter", "anthropic/claude-3.5")]
    [InlineData("openai/o3", "openai", "o3")]
    [InlineData("anthropic/claude-3.5", "openrouter", "anthropic/claude-3.5")]
    [InlineData("openai/gpt-4o-mini", "openrouter", "openai/gpt-4o-mini")]
    public async Task ModelsResolveToTheirProviderAndUpstreamId(string modelId, string providerName, string upstreamId)
    {
        var catalog = new ModelCatalog([_openai, _openRouter, _anthropic], null, GatewayLog.Silent);
        await catalog.RefreshAsync(default);

        Assert.True(catalog.TryResolve(modelId, out var provider, out var providerModelId));
        Assert.Equal(providerName, provider.Name);
        Assert.Equal(upstreamId, providerModelId);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("nobody/gpt-4o")]
    [InlineData("openai/")]
    [InlineData("/gpt-4o")]
    [InlineData("")]
    public async Task UnknownModelsDoNotResolve(string modelId)
    {
        var catalog = new ModelCatalog([_openai, _openRouter], null, GatewayLog.Silent);
        await catalog.RefreshAsync(default);

        Assert.False(catalog.TryResolve(modelId, out _, out _));
    }

    [Fact]
    public async Task PrefixWorksBeforeTheFirstRefresh()
    {
        var catalog = new ModelCatalog([_openai], null, GatewayLog.Silent);

        Assert.False(catalog.TryResolve("gpt-4o", out _, out _));
        Assert.True(catalog.TryResolve("openai/gpt-4o", out var provider, out var id));
        Assert.Same(_openai, provider);
        Assert.Equal("gpt-4o", id);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task BackgroundRefreshPicksUpNewModelsAndStopsWhenCancelled()
    {
        var provider = new ChangingProvider("local", ["small"]);
        var catalog = new ModelCatalog([provider], null, GatewayLog.Silent) { RefreshInterval = TimeSpan.FromMilliseconds(50) };
        await catalog.RefreshAsync(default);
        Assert.False(catalog.TryResolve("large", out _, out _));
        using var stop = new CancellationTokenSource();

        var loop = catalog.StartBackgroundRefresh(stop.Token);
        provider.Models = ["small", "large"];
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!catalog.TryResolve("large", out _, out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(catalog.TryResolve("large", out var served, out _));
        Assert.Same(provider, served);
        Assert.Equal(["small", "large"], catalog.Current.Models.Select(m => m.Id));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(loop.IsCompletedSuccessfully);
    }

    /// <summary>A provider whose listing the test changes.</summary>
    private sealed class ChangingProvider(string name, string[] models) : IModelProvider
    {
        public volatile string[] Models = models;

        public string Name => name;

        public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(Models);

        public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}

using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Mock;
using Gateway.Server.Providers.Upstream;

namespace Gateway.IntegrationTests.Mock;

/// <summary>MOCK_MODELS and the MOCK_* variables: defaults, values, errors, the default model, and the provider's place.</summary>
public sealed class MockConfigurationTests : IDisposable
{
    /// <summary>An empty models directory, so no local model becomes the default.</summary>
    private readonly string _noModels = Directory.CreateTempSubdirectory("gateway-no-models-").FullName;

    public void Dispose() => Directory.Delete(_noModels, recursive: true);

    [Fact]
    public void DefaultsApplyWhenNothingIsSet()
    {
        var mock = GatewayOptions.FromEnvironment(_ => null).Mock;

        Assert.Empty(mock.Models);
        Assert.Equal((32, TimeSpan.Zero, 0.0), (mock.Tokens, mock.TimeToFirstToken, mock.TokensPerSecond));
    }

    [Fact]
    public void MockVariablesAreRead()
    {
        var mock = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(
            ("MOCK_MODELS", " fast, slow "), ("MOCK_TOKENS", "100"), ("MOCK_TTFT_MS", "250"), ("MOCK_TOKENS_PER_SECOND", "1.5"))).Mock;

        Assert.Equal(["fast", "slow"], mock.Models);
        Assert.Equal((100, TimeSpan.FromMilliseconds(250), 1.5), (mock.Tokens, mock.TimeToFirstToken, mock.TokensPerSecond));
    }

    [Theory]
    [InlineData("MOCK_TOKENS", "-1", "MOCK_TOKENS=-1: expected a whole number from 1 to 1000000.")]
    [InlineData("MOCK_TOKENS", "0", "MOCK_TOKENS=0: expected a whole number from 1 to 1000000.")]
    [InlineData("MOCK_TTFT_MS", "soon", "MOCK_TTFT_MS=soon: expected a whole number from 0 to 3600000.")]
    [InlineData("MOCK_TOKENS_PER_SECOND", "-3", "MOCK_TOKENS_PER_SECOND=-3: expected a number from 0 to 1000000.")]
    [InlineData("MOCK_TOKENS_PER_SECOND", "fast", "MOCK_TOKENS_PER_SECOND=fast: expected a number from 0 to 1000000.")]
    public void InvalidValuesNameTheVariable(string name, string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of((name, value))));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void WithNoRemoteProviderTheFirstMockModelIsTheDefaultBeforeAnyLocalOneAndDefaultModelMayNameAnother()
    {
        Assert.Equal("fast", GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", _noModels), ("MOCK_MODELS", "fast,slow"))).DefaultModel);
        Assert.Equal("fast", GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", LocalModelFiles.Directory), ("MOCK_MODELS", "fast"))).DefaultModel);
        Assert.Equal("slow", GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", _noModels), ("MOCK_MODELS", "fast,slow"), ("DEFAULT_MODEL", "slow"))).DefaultModel);
        Assert.Null(GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", _noModels), ("MOCK_MODELS", "fast"), ("OPENAI_API_KEY", "k"))).DefaultModel);
    }

    [Fact]
    public void TheMockProviderComesLastAndOnlyWhenMockModelsNamesAny()
    {
        using var http = new UpstreamHttp(new UpstreamHttpOptions());
        ProviderEndpoint[] openAi = [new("openai", ProviderProtocol.OpenAiCompatible, new Uri("https://api.openai.com/v1"), "k")];

        var with = ProviderFactory.Create(openAi, http, new LocalModelOptions(), new MockModelOptions { Models = ["m"] }, GatewayLog.Silent);
        var without = ProviderFactory.Create(openAi, http, new LocalModelOptions(), new MockModelOptions(), GatewayLog.Silent);

        Assert.Equal(["openai", "local", "mock"], with.Select(p => p.Name));
        Assert.Equal(["openai", "local"], without.Select(p => p.Name));
    }

    [Fact]
    public void ProvidersFileMayNameAnUpstreamMockOnlyWhileMockModelsIsUnset()
    {
        var path = Path.Combine(_noModels, "providers.json");
        File.WriteAllText(path, """{"providers":[{"name":"mock","baseUrl":"http://127.0.0.1:8080/v1"}]}""");

        Assert.Equal("mock", Assert.Single(GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("PROVIDERS_FILE", path))).Providers).Name);
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("PROVIDERS_FILE", path), ("MOCK_MODELS", "m"))));
        Assert.Equal("PROVIDERS_FILE: the provider name 'mock' is taken by the mock models while MOCK_MODELS is set.", error.Message);
    }

    [Fact]
    public async Task TheExecutableRefusesABadValueWithExitCode2()
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string> { ["PORT"] = "0", ["MOCK_MODELS"] = "m", ["MOCK_TTFT_MS"] = "-5" });

        Assert.Equal(2, await gateway.WaitForExitAsync());
        Assert.Contains("Configuration error: MOCK_TTFT_MS=-5: expected a whole number from 0 to 3600000.", gateway.Log);
    }

    [Fact]
    public async Task TheExecutableWithOnlyMockModelsListsThemAndAnswersWithTheFirst()
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["MODELS_DIR"] = _noModels, ["MOCK_MODELS"] = "mock-a,mock-b", ["MOCK_TOKENS"] = "3",
        });
        var url = $"http://{await gateway.ListeningAsync()}";

        Assert.Equal((0, """{"models":["mock-a","mock-b"],"defaultModel":"mock-a"}"""), await ClientProcess.RunAsync("curl", "-sS", "--max-time", "10", url + "/models"));
        var (_, listing) = await ClientProcess.RunAsync("curl", "-sS", "--max-time", "10", url + "/v1/models");
        Assert.Contains("\"id\":\"mock-b\",\"object\":\"model\"", listing, StringComparison.Ordinal);
        Assert.Contains("\"owned_by\":\"mock\"", listing, StringComparison.Ordinal);
        var (exitCode, stream) = await ClientProcess.RunAsync(
            "curl", "-sSN", "--max-time", "10", "-H", "Content-Type: application/json", "-d", """{"messages":[{"role":"user","content":"hi"}]}""", url + "/chat");
        Assert.Equal(0, exitCode);
        var events = MockModels.ParseEvents(stream);
        Assert.Equal(["connected", "harness_start", "text", "text", "text", "usage", "harness_end"], events.Select(e => e.Name));
    }
}

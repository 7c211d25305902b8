using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Configuration;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;

namespace Gateway.IntegrationTests.Providers;

/// <summary>Provider keys, base URLs and PROVIDERS_FILE, read into options and built into providers.</summary>
public sealed class ProviderConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-providers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void NoKeysMeansNoProviders()
    {
        var options = GatewayOptions.FromEnvironment(_ => null);

        Assert.Empty(options.Providers);
        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(5)), (options.Upstream.FirstByteTimeout, options.Upstream.IdleTimeout));
    }

    [Fact]
    public void EachKeyConfiguresItsProviderAtTheDefaultBaseUrl()
    {
        var options = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(
            ("OPENAI_API_KEY", "sk-o"), ("ANTHROPIC_API_KEY", "sk-a"), ("OPENROUTER_API_KEY", "sk-r"), ("ZEN_API_KEY", "sk-z"),
            ("UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS", "12.5"),
            ("UPSTREAM_IDLE_TIMEOUT_SECONDS", "90")));

        Assert.Equal(
            [
                new ProviderEndpoint("openai", ProviderProtocol.OpenAiCompatible, new Uri("https://api.openai.com/v1"), "sk-o") { PromptCacheKey = true },
                new ProviderEndpoint("anthropic", ProviderProtocol.Anthropic, new Uri("https://api.anthropic.com"), "sk-a"),
                new ProviderEndpoint("openrouter", ProviderProtocol.OpenAiCompatible, new Uri("https://openrouter.ai/api/v1"), "sk-r"),
                new ProviderEndpoint("zen", ProviderProtocol.OpenAiCompatible, new Uri("https://opencode.ai/zen/v1"), "sk-z"),
            ],
            options.Providers);
        Assert.Equal((TimeSpan.FromSeconds(12.5), TimeSpan.FromSeconds(90)), (options.Upstream.FirstByteTimeout, options.Upstream.IdleTimeout));
        Assert.DoesNotContain("sk-o", options.Providers[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BaseUrlsCanBeOverriddenAndMustBeHttp()
    {
        var options = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("OPENAI_API_KEY", "k"), ("OPENAI_BASE_URL", "http://proxy.local:8080/openai/v1/")));
        Assert.Equal(new Uri("http://proxy.local:8080/openai/v1/"), Assert.Single(options.Providers).BaseUrl);

        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("OPENAI_API_KEY", "k"), ("OPENAI_BASE_URL", "ftp://x"))));
        Assert.Contains("OPENAI_BASE_URL=ftp://x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProvidersFileAddsOpenAiCompatibleEndpointsAfterTheBuiltInOnes()
    {
        var path = Write("""
            // Local servers.
            {"providers":[
              {"name":"local-llama","baseUrl":"http://127.0.0.1:8080/v1"},
              {"name":"vllm","baseUrl":"http://10.0.0.5:8000/v1","apiKey":"secret","note":"ignored","promptCacheKey":true},
            ]}
            """);

        var options = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("ANTHROPIC_API_KEY", "sk-a"), ("PROVIDERS_FILE", path)));

        Assert.Equal(["anthropic", "local-llama", "vllm"], options.Providers.Select(p => p.Name));
        Assert.Equal(new ProviderEndpoint("local-llama", ProviderProtocol.OpenAiCompatible, new Uri("http://127.0.0.1:8080/v1"), null), options.Providers[1]);
        Assert.Equal(("secret", true), (options.Providers[2].ApiKey, options.Providers[2].PromptCacheKey));
    }

    [Fact]
    public void EitherOpenAiApiCanServe()
    {
        var path = Write("""{"providers":[{"name":"codex","baseUrl":"https://api.openai.com/v1","api":"responses"},{"name":"vllm","baseUrl":"http://x/v1","api":"chat"}]}""");

        var options = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("OPENAI_API_KEY", "k"), ("OPENAI_API_STYLE", "responses"), ("PROVIDERS_FILE", path)));

        Assert.Equal(
            [("openai", ProviderProtocol.OpenAiResponses), ("codex", ProviderProtocol.OpenAiResponses), ("vllm", ProviderProtocol.OpenAiCompatible)],
            options.Providers.Select(p => (p.Name, p.Protocol)));
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("OPENAI_API_KEY", "k"), ("OPENAI_API_STYLE", "assistants"))));
        Assert.Equal("OPENAI_API_STYLE=assistants: expected chat or responses.", error.Message);
    }

    [Theory]
    [InlineData("""{"providers":[{"name":"a/b","baseUrl":"http://x"}]}""", "providers[0].name must be a non-empty string without '/'")]
    [InlineData("""{"providers":[{"name":"a","baseUrl":"http://x","api":"assistants"}]}""", "providers[0].api must be \"chat\" or \"responses\"")]
    [InlineData("""{"providers":[{"name":"a","baseUrl":"x"}]}""", "providers[0].baseUrl must be an absolute http or https URL")]
    [InlineData("""{"providers":[{"name":"a","baseUrl":"http://x","promptCacheKey":"yes"}]}""", "providers[0].promptCacheKey must be true or false")]
    [InlineData("""{"providers":{}}""", "\"providers\" must be an array")]
    [InlineData("""{"other":[]}""", "no \"providers\" array")]
    [InlineData("""{"providers":[{"name":"a","baseUrl":"http://x"},{"name":"a","baseUrl":"http://y"}]}""", "Provider name 'a' is configured twice")]
    [InlineData("""{"providers":[{"name":"openai","baseUrl":"http://x"}]}""", "Provider name 'openai' is configured twice")]
    [InlineData("{", "not valid JSON")]
    public void BadProvidersFilesStopStartUpWithTheReason(string json, string reason)
    {
        var path = Write(json);

        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("OPENAI_API_KEY", "k"), ("PROVIDERS_FILE", path))));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingProvidersFileIsAConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("PROVIDERS_FILE", Path.Combine(_directory, "none.json")))));

        Assert.StartsWith("PROVIDERS_FILE=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpListsTheProviderVariables()
    {
        var help = GatewayOptions.HelpText();

        foreach (var name in new[] { "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "ZEN_API_KEY", "ZEN_BASE_URL",
            "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "PROVIDERS_FILE", "UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS", "UPSTREAM_IDLE_TIMEOUT_SECONDS" })
        {
            Assert.Contains(name, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FactoryBuildsOneProviderPerEndpointWithItsProtocol()
    {
        using var http = new UpstreamHttp(ProviderTestKit.FastOptions);
        var providers = ProviderFactory.Create(
            [
                new ProviderEndpoint("openai", ProviderProtocol.OpenAiCompatible, new Uri("https://api.openai.com/v1"), "k") { PromptCacheKey = true },
                new ProviderEndpoint("anthropic", ProviderProtocol.Anthropic, new Uri("https://api.anthropic.com"), "k"),
                new ProviderEndpoint("codex", ProviderProtocol.OpenAiResponses, new Uri("https://api.openai.com/v1"), "k") { PromptCacheKey = true },
            ],
            http);

        Assert.True(Assert.IsType<OpenAiCompatibleProvider>(providers[0]).SendsPromptCacheKey);
        Assert.IsType<AnthropicProvider>(providers[1]);
        Assert.True(Assert.IsType<OpenAiResponsesProvider>(providers[2]).SendsPromptCacheKey);
        Assert.Equal(["openai", "anthropic", "codex"], providers.Select(p => p.Name));
    }


    private string Write(string json)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}

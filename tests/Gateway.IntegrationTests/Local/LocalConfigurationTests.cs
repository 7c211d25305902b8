using System.Runtime.Intrinsics.X86;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Mock;
using Gateway.Server.Providers.Upstream;
using Gateway.Server.Providers;
using LLama.Native;

namespace Gateway.IntegrationTests.Local;

/// <summary>MODELS_DIR and the LOCAL_* variables, the default model, the provider's place in the order, and the CPU build choice.</summary>
public sealed class LocalConfigurationTests
{
    private static readonly string Models = LocalModelFiles.Directory;

    [Fact]
    public void DefaultsApplyWhenNothingIsSet()
    {
        var local = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", Models))).Local;

        Assert.Equal(Models, local.ModelsDirectory);
        Assert.Equal((8, 2048, 512, Environment.ProcessorCount, TimeSpan.FromSeconds(30)),
            (local.MaxSequences, local.ContextSize, local.MaxTokens, local.Threads, local.QueueTimeout));
    }

    [Fact]
    public void LocalVariablesAreRead()
    {
        var local = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(
            ("MODELS_DIR", Models), ("LOCAL_MAX_SEQUENCES", "3"), ("LOCAL_CONTEXT_SIZE", "1024"), ("LOCAL_MAX_TOKENS", "64"),
            ("LOCAL_THREADS", "1"), ("LOCAL_QUEUE_TIMEOUT_SECONDS", "2.5"))).Local;

        Assert.Equal((3, 1024, 64, 1, TimeSpan.FromSeconds(2.5)), (local.MaxSequences, local.ContextSize, local.MaxTokens, local.Threads, local.QueueTimeout));
    }

    [Theory]
    [InlineData("MODELS_DIR", "/no/such/dir", "MODELS_DIR=/no/such/dir: no such directory.")]
    [InlineData("LOCAL_MAX_SEQUENCES", "0", "LOCAL_MAX_SEQUENCES=0: expected a whole number from 1 to 256.")]
    [InlineData("LOCAL_THREADS", "many", "LOCAL_THREADS=many: expected a whole number from 1 to 1024.")]
    public void InvalidValuesNameTheVariable(string name, string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of((name, value))));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void UnsetModelsDirIsTheSharedModelsDirectoryWhenPresentElseModels()
    {
        var options = GatewayOptions.FromEnvironment(_ => null);

        var expected = Directory.Exists("../shared/models") ? "../shared/models" : "models";
        Assert.Equal(Path.GetFullPath(expected), options.Local.ModelsDirectory);
    }

    [Fact]
    public void TheFirstLocalModelIsTheDefaultOnlyWhenNothingElseIsConfigured()
    {
        Assert.Equal(LocalModelFiles.Stories, GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", Models))).DefaultModel);
        Assert.Equal("gpt-x", GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", Models), ("DEFAULT_MODEL", "gpt-x"))).DefaultModel);
        Assert.Null(GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("MODELS_DIR", Models), ("OPENAI_API_KEY", "k"))).DefaultModel);
    }

    [Fact]
    public void TheLocalProviderComesAfterTheRemoteOnes()
    {
        using var http = new UpstreamHttp(new UpstreamHttpOptions());
        var providers = ProviderFactory.Create(
            [new ProviderEndpoint("openai", ProviderProtocol.OpenAiCompatible, new Uri("https://api.openai.com/v1"), "k")], http, new LocalModelOptions(), new MockModelOptions(), GatewayLog.Silent);

        Assert.Equal(["openai", "local"], providers.Select(p => p.Name));
    }

    [Fact]
    public void ProvidersFileCannotTakeTheLocalName()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{"providers":[{"name":"local","baseUrl":"http://127.0.0.1:8080/v1"}]}""");
        try
        {
            var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("PROVIDERS_FILE", path))));
            Assert.Contains("'local' is reserved", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CpuLevelFromCpuidAgreesWithTheJitsView()
    {
        // Under the JIT, IsSupported reflects this machine (under native AOT it reflects the compile target, hence CPUID).
        var avx512Vnni = (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;
        var expected = Avx512F.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported && avx512Vnni ? AvxLevel.Avx512
            : Avx2.IsSupported && Fma.IsSupported ? AvxLevel.Avx2
            : Avx.IsSupported ? AvxLevel.Avx
            : AvxLevel.None;

        Assert.Equal(expected, CpuAvxLevel.Detect());
    }
}

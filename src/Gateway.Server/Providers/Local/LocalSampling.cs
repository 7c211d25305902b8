using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>How a local turn picks its tokens: greedy at temperature 0 (the default), otherwise sampled.</summary>
/// <remarks>
/// Greedy is the default, unlike OpenAI's temperature 1, so that a prompt always gets the same answer on a local
/// model unless the caller asks for variety. Sampling follows llama.cpp's usual chain: top-p, then temperature,
/// then a draw from the distribution with a fresh seed.
/// </remarks>
internal readonly record struct LocalSampling(float Temperature, float TopP)
{
    public static LocalSampling Greedy => default;

    public static LocalSampling From(TurnOptions options) => new((float)(options.Temperature ?? 0), (float)(options.TopP ?? 1));

    public SafeLLamaSamplerChainHandle CreateChain()
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (Temperature <= 0)
        {
            chain.AddGreedySampler();
            return chain;
        }
        if (TopP < 1)
        {
            chain.AddTopP(TopP, 1);
        }
        chain.AddTemperature(Temperature);
        chain.AddDistributionSampler((uint)Random.Shared.Next());
        return chain;
    }
}

using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>How a local turn picks its tokens: greedy at temperature 0 (the default), otherwise sampled.</summary>
/// <remarks>
/// Greedy is the default, unlike OpenAI's temperature 1, so that a prompt always gets the same answer on a local
/// model unless the caller asks for variety. Sampling follows llama.cpp's usual chain: top-p, then temperature,
/// then a draw from the distribution with a fresh seed. A grammar, when set, comes first in the chain, so every
/// sampler after it picks among the tokens it allows (llama.cpp's common_sampler order).
/// </remarks>
internal readonly record struct LocalSampling(float Temperature, float TopP)
{
    public static LocalSampling Greedy => default;

    /// <summary>The GBNF grammar (root rule <c>root</c>) the answer must follow, and the vocabulary it is read against.</summary>
    /// <remarks>Never a caller's own GBNF: llama.cpp takes one it cannot parse silently and aborts the process at the first sample.</remarks>
    public (string Gbnf, SafeLlamaModelHandle.Vocabulary Vocabulary)? Grammar { get; init; }

    public static LocalSampling From(TurnOptions options) => new((float)(options.Temperature ?? 0), (float)(options.TopP ?? 1));

    public SafeLLamaSamplerChainHandle CreateChain()
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (Grammar is var (gbnf, vocabulary))
        {
            // Never AddLazyGrammar: it aborts or crashes in LLamaSharp 0.30.0 (design 15, trap 2).
            chain.AddGrammar(vocabulary, gbnf, "root");
        }
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

using System.Text;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers.Local;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gateway.IntegrationTests.Local;

/// <summary>successor-tiny decoding greedily under a grammar, straight through LLamaSharp (no gateway code but the token decoder).</summary>
internal sealed class GrammarDecoder : IDisposable
{
    private static readonly string s_modelPath = Path.Combine(LocalModelFiles.Directory, LocalModelFiles.Successor + ".gguf");

    private readonly LLamaWeights _weights;

    public GrammarDecoder()
    {
        LlamaNativeLibrary.EnsureConfigured(GatewayLog.Silent);
        _weights = LLamaWeights.LoadFromFile(new ModelParams(s_modelPath));
    }

    public void Dispose() => _weights.Dispose();

    /// <summary>successor-tiny's token for a printable character (the last: SentencePiece puts a "▁" before text).</summary>
    public LLamaToken TokenOf(char c) => _weights.NativeHandle.Tokenize(c.ToString(), false, false, Encoding.UTF8)[^1];

    /// <summary>Greedy decoding of a ChatML prompt under <paramref name="grammar"/>: the text, and whether the model ended it.</summary>
    public (string Text, bool Ended) Generate(string grammar, int maxTokens, string prompt = "<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n")
    {
        using var context = _weights.CreateContext(new ModelParams(s_modelPath) { ContextSize = 512, Threads = 1 });
        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(_weights.NativeHandle, grammar, "root"); // Grammar first: the greedy pick is the best allowed token.
        chain.AddGreedySampler();
        var tokens = context.Tokenize(prompt, addBos: true, special: false);
        var batch = new LLamaBatch();
        batch.AddRange(tokens, 0, LLamaSeqId.Zero, true);
        var decoder = new TokenTextDecoder();
        var text = new StringBuilder();
        for (var position = tokens.Length; position < tokens.Length + maxTokens; position++)
        {
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));
            var token = chain.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (token.IsEndOfGeneration(_weights.Vocab))
            {
                return (text.ToString(), true);
            }
            text.Append(decoder.Append(_weights.NativeHandle, token));
            batch.Clear();
            batch.Add(token, position, LLamaSeqId.Zero, true);
        }
        return (text.ToString(), false);
    }
}

using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Sampling;

namespace Gateway.LocalBench;

/// <summary>The baseline: LLamaSharp's own generation loop (<see cref="StatelessExecutor"/>, greedy), one sequence, no gateway.</summary>
internal static class PlainLoop
{
    /// <param name="chatTemplate">Whether to wrap the prompt in the model's chat template, as the gateway does for a model that has one.</param>
    public static async Task<BenchResult> RunAsync(string path, int contextSize, int threads, string prompt, int tokens, bool chatTemplate)
    {
        var parameters = new ModelParams(path) { ContextSize = (uint)contextSize, GpuLayerCount = 0, Threads = threads, BatchThreads = threads };
        using var weights = await LLamaWeights.LoadFromFileAsync(parameters);
        var executor = new StatelessExecutor(weights, parameters) { ApplyTemplate = chatTemplate };
        var inference = new InferenceParams { MaxTokens = tokens, SamplingPipeline = new GreedySamplingPipeline() };

        var clock = Stopwatch.StartNew();
        var firstToken = TimeSpan.Zero;
        var generated = 0L;
        await foreach (var _ in executor.InferAsync(prompt, inference))
        {
            if (generated++ == 0)
            {
                firstToken = clock.Elapsed;
            }
        }
        return new BenchResult("LLamaSharp StatelessExecutor (plain loop)", 1, generated, clock.Elapsed, firstToken, 0);
    }
}

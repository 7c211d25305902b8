using Gateway.LoadGen;

namespace Gateway.Perf.Tests;

public sealed class LoadOptionsParserTests
{
    [Fact]
    public void ParsesASweepOfOpenLoopRatesWithDurationsInAnyUnit()
    {
        var options = LoadOptionsParser.Parse(["--url", "http://127.0.0.1:4000/chat", "--mode", "sweep", "--rates", "100,250.5",
            "--duration", "1500ms", "--warmup", "0", "--timeout", "2m", "--body", "{}", "--sse", "--first-content-marker", "data:"]);

        Assert.Equal([new LoadStep(true, 100, 64), new LoadStep(true, 250.5, 64)], options.Steps());
        Assert.Equal((TimeSpan.FromSeconds(1.5), TimeSpan.Zero, TimeSpan.FromMinutes(2)), (options.Duration, options.Warmup, options.Timeout));
        Assert.Equal(("POST", "/chat", "data:"), (options.EffectiveMethod, options.EffectiveLabel, options.FirstContentMarker));
    }

    [Fact]
    public void FirstContentContainsMatchesAnywhereAndTheLastMarkerOptionWins()
    {
        string[] url = ["--url", "http://127.0.0.1:4000/v1/chat/completions", "--sse"];

        var anywhere = LoadOptionsParser.Parse([.. url, "--first-content-marker", "data:", "--first-content-contains", "tok"]);
        var prefix = LoadOptionsParser.Parse([.. url, "--first-content-contains", "tok", "--first-content-marker", "data:"]);

        Assert.Equal(("tok", true), (anywhere.FirstContentMarker, anywhere.FirstContentAnywhere));
        Assert.Equal(("data:", false), (prefix.FirstContentMarker, prefix.FirstContentAnywhere));
    }

    [Theory]
    [InlineData("--mode", "open")]
    [InlineData("--mode", "sweep")]
    [InlineData("--pipeline", "8", "--sse")]
    [InlineData("--connections", "0")]
    [InlineData("--duration", "soon")]
    [InlineData("--frobnicate", "1")]
    [InlineData("--requests", "100")]
    [InlineData("--requests", "100", "--warmup", "0", "--mode", "open", "--rate", "10")]
    public void RejectsIncompleteOrContradictoryArguments(params string[] extra) =>
        Assert.Throws<ArgumentException>(() => LoadOptionsParser.Parse(["--url", "http://127.0.0.1:4000/health", .. extra]));
}

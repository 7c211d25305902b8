using Gateway.Generators.Model.Tools;
using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Tests;

/// <summary><see cref="ToolRegistryGenerator"/>'s pipeline must do no work for edits that do not change a tool (STYLE §20, §26).</summary>
public sealed class ToolRegistryIncrementalTests : GeneratorPipelineTests
{
    private const string ToolsPath = "Tools.cs";

    private const string Tools = """
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Gateway.Tools;

        namespace Sample.Tools;

        internal static class SampleTools
        {
            [Tool("shell", "Runs a command.", AlwaysRule = nameof(ShellRule))]
            public static ValueTask<ToolResult> ShellAsync(
                ToolContext context,
                [ToolParameter("The command.")] string command,
                [ToolParameter("Seconds.", Minimum = 1)] int timeout = 5,
                CancellationToken cancellationToken = default) => new(ToolResult.Success("one"));

            [Tool("ping", "Answers pong.")]
            public static ToolResult Ping([ToolParameter("Echoed back.")] string? text) => ToolResult.Success(text ?? "pong");

            public static IReadOnlyList<KeyValuePair<string, string>>? ShellRule(JsonElement arguments, ToolContext context) => null;
        }
        """;

    protected override string SourcePath => ToolsPath;

    protected override string Source => Tools;

    protected override string[] Stages => PipelineAssert.ToolRegistryStages;

    protected override IReadOnlyDictionary<string, string> BuildProperties { get; } = new Dictionary<string, string> { ["RootNamespace"] = "Sample.Tools" };

    protected override IIncrementalGenerator CreateGenerator() => new ToolRegistryGenerator();

    [Fact]
    public void ChangingAToolBodyLeavesEveryStageCachedOrUnchanged() =>
        AssertSecondRunDoesNoWork(compilation => GeneratorHarness.Edit(compilation, ToolsPath, "Success(\"one\")", "Success(\"two\")"));

    [Fact]
    public void ChangingAHookBodyLeavesEveryStageCachedOrUnchanged() =>
        AssertSecondRunDoesNoWork(compilation => GeneratorHarness.Edit(compilation, ToolsPath, "context) => null;", "context) => [];"));

    [Fact]
    public void RenamingAHookReEmitsTheRegistry() =>
        Assert.Contains(ReEmittedRegistry("ShellRule", "CommandRule").Tools, tool => tool.AlwaysRule == "CommandRule");

    [Fact]
    public void MovingAToolRechecksNamesButDoesNotReEmitTheRegistry()
    {
        var result = RunAgainAfter(compilation =>
            GeneratorHarness.Edit(compilation, ToolsPath, "namespace Sample.Tools;", "// A comment that moves every tool.\n\nnamespace Sample.Tools;"));

        // The name's location is in the GW0008 input, never in the registry's.
        Assert.Contains(result.TrackedSteps[TrackingNames.ToolNames].SelectMany(step => step.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        PipelineAssert.NoStageDidWork(result, [TrackingNames.ToolSpecs, TrackingNames.ToolSpecsCollected, TrackingNames.ToolRegistryInputs, TrackingNames.ToolRegistry]);
    }

    [Fact]
    public void ChangingAToolReEmitsTheRegistry() =>
        Assert.Contains(ReEmittedRegistry("\"Runs a command.\"", "\"Runs a shell command.\"").Tools, tool => tool.Description == "Runs a shell command.");

    [Fact]
    public void PipelineOutputsHoldNoRoslynObjects()
    {
        var (result, _, _) = Run(CreateCompilation());

        var values = PipelineAssert.Outputs(result, Stages);

        Assert.Contains(values, value => value is ToolRegistrySpec { Tools.Count: 2 });
        PipelineAssert.HoldNoRoslynObjects(values);
    }

    [Fact]
    public void EquivalentSourcesGiveEqualModels()
    {
        // The same declarations with different trivia, layout and order: no model may change.
        var reformatted = Tools
            .Replace("namespace Sample.Tools;", "// A comment that shifts every location.\n\nnamespace Sample.Tools;", StringComparison.Ordinal)
            .Replace(", CancellationToken", ",\n        CancellationToken", StringComparison.Ordinal);

        var original = Registry(CreateCompilation());
        var equivalent = Registry(GeneratorHarness.CreateCompilation((UnrelatedPath, Unrelated), (ToolsPath, reformatted)));

        Assert.Equal(2, original.Tools.Count);
        Assert.Equal(original, equivalent);
    }

    /// <summary>The registry after replacing <paramref name="oldText"/> in the tools' file, which must have re-emitted it.</summary>
    private ToolRegistrySpec ReEmittedRegistry(string oldText, string newText)
    {
        var result = RunAgainAfter(compilation => GeneratorHarness.Edit(compilation, ToolsPath, oldText, newText));
        var output = Assert.Single(result.TrackedSteps[TrackingNames.ToolRegistry].SelectMany(step => step.Outputs));
        Assert.Equal(IncrementalStepRunReason.Modified, output.Reason);
        return (ToolRegistrySpec)output.Value;
    }

    private ToolRegistrySpec Registry(Compilation compilation)
    {
        var (result, _, _) = Run(compilation);
        var output = Assert.Single(result.TrackedSteps[TrackingNames.ToolRegistry].SelectMany(step => step.Outputs));
        return (ToolRegistrySpec)output.Value;
    }
}

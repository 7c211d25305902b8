using Gateway.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Tests;

/// <summary><see cref="ServerEventGenerator"/>'s pipeline must do no work for edits that do not touch an event (STYLE §20, §26).</summary>
public sealed class IncrementalTests : GeneratorPipelineTests
{
    private const string EventsPath = "Events.cs";

    private const string Events = """
        using Gateway.Server.Events;
        using Gateway.Tools;

        namespace Sample.Events;

        [ServerEvent("text")]
        internal readonly partial struct TextEvent
        {
            public required string RunId { get; init; }
            public required string Content { get; init; }
        }

        [ServerEvent("harness_end")]
        internal readonly partial struct HarnessEndEvent
        {
            public required string RunId { get; init; }
            public int? Iterations { get; init; }
            public RawJson? Output { get; init; }
            public UsagePayload? TotalUsage { get; init; }
        }

        [EventPayload]
        internal readonly partial struct UsagePayload
        {
            public required long InputTokens { get; init; }
        }

        internal static class EventFactory
        {
            public static TextEvent Create() => new() { RunId = "A1", Content = "one" };
        }
        """;

    protected override string SourcePath => EventsPath;

    protected override string Source => Events;

    protected override string[] Stages => PipelineAssert.ServerEventStages;

    protected override IIncrementalGenerator CreateGenerator() => new ServerEventGenerator();

    [Fact]
    public void ChangingAMethodBodyInTheEventsFileLeavesEveryStageCachedOrUnchanged() =>
        AssertSecondRunDoesNoWork(compilation => GeneratorHarness.Edit(compilation, EventsPath, "Content = \"one\"", "Content = \"two\""));

    [Fact]
    public void ChangingOneEventReEmitsOnlyThatEvent()
    {
        var result = RunAgainAfter(compilation =>
            GeneratorHarness.Edit(compilation, EventsPath, "public required string Content { get; init; }", "public required string Text { get; init; }"));

        var outputs = result.TrackedSteps[TrackingNames.ServerEventSpecsToEmit].SelectMany(step => step.Outputs).ToList();
        var modified = Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal("Sample.Events.TextEvent.ServerEvent.g.cs", ((TypeSpec)modified.Value).HintName);
        Assert.All(outputs.Where(output => output != modified), output => Assert.Contains(output.Reason, PipelineAssert.NoWork));
    }

    [Fact]
    public void PipelineOutputsHoldNoRoslynObjects()
    {
        var (result, _, _) = Run(CreateCompilation());

        var values = PipelineAssert.Outputs(result, Stages);

        Assert.Contains(values, value => value is TypeParseResult { Spec: not null });
        PipelineAssert.HoldNoRoslynObjects(values);
    }

    [Fact]
    public void EquivalentSourcesGiveEqualModels()
    {
        // The same declarations with different trivia and layout: every location moves, no model may change.
        var reformatted = Events
            .Replace("namespace Sample.Events;", "// A comment that shifts every location.\n\nnamespace Sample.Events;", StringComparison.Ordinal)
            .Replace("{ get; init; }", "{\n        get;\n        init;\n    }", StringComparison.Ordinal);

        var original = Specs(CreateCompilation());
        var equivalent = Specs(CreateCompilation(reformatted));

        Assert.Equal(3, original.Count);
        Assert.Equal(original, equivalent);
    }

    private List<object> Specs(Compilation compilation)
    {
        var (result, _, _) = Run(compilation);
        return [.. result.TrackedSteps[TrackingNames.ServerEventSpecsToEmit]
            .Concat(result.TrackedSteps[TrackingNames.EventPayloadSpecsToEmit])
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)];
    }
}

using System.Collections;
using System.Reflection;
using Gateway.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Gateway.Generators.Tests;

/// <summary>The pipeline must do no work for edits that do not touch an event (STYLE §20, §26).</summary>
public class IncrementalTests
{
    private const string EventsPath = "Events.cs";
    private const string UnrelatedPath = "Unrelated.cs";

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

    private const string Unrelated = """
        namespace Sample;

        internal static class Calculator
        {
            public static int Compute(int x) => x + 1;
        }
        """;

    private static readonly string[] AllTrackingNames = [.. typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)];

    // The parser stage re-runs on any compilation change (its transform reads the semantic model) and
    // must then produce an equal result (Unchanged), so that every later stage is Cached.
    private static readonly IncrementalStepRunReason[] NoWork = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    [Fact]
    public void EveryStageIsTracked()
    {
        var (result, _, _) = GeneratorHarness.Run(CreateCompilation());

        Assert.All(AllTrackingNames, name => Assert.True(result.TrackedSteps.ContainsKey(name), $"no step named {name}"));
    }

    [Fact]
    public void RunningAgainOnAClonedCompilationLeavesEveryStageCachedOrUnchanged() =>
        AssertSecondRunDoesNoWork(compilation => compilation.Clone());

    [Fact]
    public void AddingAnUnrelatedFileLeavesEveryStageCachedOrUnchanged() =>
        AssertSecondRunDoesNoWork(compilation =>
            compilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Sample; internal sealed class Added { }", "Added.cs")));

    [Fact]
    public void ChangingAMethodBodyInAnotherFileLeavesEveryStageCachedOrUnchanged() =>
        AssertSecondRunDoesNoWork(compilation => Edit(compilation, UnrelatedPath, "x + 1", "x * 2"));

    [Fact]
    public void ChangingAMethodBodyInTheEventsFileLeavesEveryStageCachedOrUnchanged() =>
        AssertSecondRunDoesNoWork(compilation => Edit(compilation, EventsPath, "Content = \"one\"", "Content = \"two\""));

    [Fact]
    public void ChangingOneEventReEmitsOnlyThatEvent()
    {
        var compilation = CreateCompilation();
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = Edit(compilation, EventsPath, "public required string Content { get; init; }", "public required string Text { get; init; }");

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var outputs = result.TrackedSteps[TrackingNames.ServerEventSpecsToEmit].SelectMany(step => step.Outputs).ToList();
        var modified = Assert.Single(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal("Sample.Events.TextEvent.ServerEvent.g.cs", ((TypeSpec)modified.Value).HintName);
        Assert.All(outputs.Where(output => output != modified), output => Assert.Contains(output.Reason, NoWork));
    }

    [Fact]
    public void PipelineOutputsHoldNoRoslynObjects()
    {
        var (result, _, _) = GeneratorHarness.Run(CreateCompilation());

        var values = AllTrackingNames
            .SelectMany(name => result.TrackedSteps[name])
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)
            .ToList();

        Assert.Contains(values, value => value is TypeParseResult { Spec: not null });
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var value in values)
        {
            AssertHoldsNoRoslynObjects(value, value.GetType().Name, visited);
        }
    }

    [Fact]
    public void EquivalentSourcesGiveEqualModels()
    {
        // The same declarations with different trivia and layout: every location moves, no model may change.
        var reformatted = Events
            .Replace("namespace Sample.Events;", "// A comment that shifts every location.\n\nnamespace Sample.Events;", StringComparison.Ordinal)
            .Replace("{ get; init; }", "{\n        get;\n        init;\n    }", StringComparison.Ordinal);

        var original = Specs(CreateCompilation());
        var equivalent = Specs(GeneratorHarness.CreateCompilation((EventsPath, reformatted), (UnrelatedPath, Unrelated)));

        Assert.Equal(3, original.Count);
        Assert.Equal(original, equivalent);
    }

    private static Compilation CreateCompilation() => GeneratorHarness.CreateCompilation((EventsPath, Events), (UnrelatedPath, Unrelated));

    private static void AssertSecondRunDoesNoWork(Func<Compilation, Compilation> edit)
    {
        var compilation = CreateCompilation();
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var result = driver.RunGenerators(edit(compilation)).GetRunResult().Results.Single();

        foreach (var name in AllTrackingNames)
        {
            var reasons = result.TrackedSteps[name].SelectMany(step => step.Outputs).Select(output => output.Reason);
            Assert.All(reasons, reason => Assert.True(NoWork.Contains(reason), $"{name} was {reason}"));
        }
    }

    private static Compilation Edit(Compilation compilation, string path, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(tree => tree.FilePath == path);
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(text.Replace(oldText, newText, StringComparison.Ordinal))));
    }

    private static List<object> Specs(Compilation compilation)
    {
        var (result, _, _) = GeneratorHarness.Run(compilation);
        return [.. result.TrackedSteps[TrackingNames.ServerEventSpecsToEmit]
            .Concat(result.TrackedSteps[TrackingNames.EventPayloadSpecsToEmit])
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)];
    }

    // Walks fields, not properties, so nothing computed hides a reference the cache would keep alive.
    private static void AssertHoldsNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null)
        {
            return;
        }
        Assert.False(
            value is ISymbol or Compilation or SyntaxNode or SyntaxTree or SemanticModel or Location,
            $"{path} holds a {value.GetType().FullName}");

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is string || value is DiagnosticDescriptor || (!type.IsValueType && !visited.Add(value)))
        {
            return;
        }
        if (value is Array array)
        {
            var index = 0;
            foreach (var item in (IEnumerable)array)
            {
                AssertHoldsNoRoslynObjects(item, $"{path}[{index++}]", visited);
            }
            return;
        }
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertHoldsNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}

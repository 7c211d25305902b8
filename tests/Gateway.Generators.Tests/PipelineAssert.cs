using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Tests;

/// <summary>Checks shared by the generators' incremental tests (STYLE §26).</summary>
internal static class PipelineAssert
{
    /// <summary>
    /// The parser stage re-runs on any compilation change (its transform reads the semantic model) and
    /// must then produce an equal result (Unchanged), so that every later stage is Cached.
    /// </summary>
    public static readonly IncrementalStepRunReason[] NoWork = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    private static readonly string[] AllTrackingNames = [.. typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)];

    /// <summary><see cref="ServerEventGenerator"/>'s stage names.</summary>
    public static string[] ServerEventStages { get; } = [.. AllTrackingNames.Where(name => !IsToolStage(name))];

    /// <summary><see cref="ToolRegistryGenerator"/>'s stage names: all start with <c>Tool</c> (see <see cref="TrackingNames"/>).</summary>
    public static string[] ToolRegistryStages { get; } = [.. AllTrackingNames.Where(IsToolStage)];

    public static void EveryStageIsTracked(GeneratorRunResult result, IEnumerable<string> stages) =>
        Assert.All(stages, name => Assert.True(result.TrackedSteps.ContainsKey(name), $"no step named {name}"));

    public static void NoStageDidWork(GeneratorRunResult result, IEnumerable<string> stages)
    {
        foreach (var name in stages)
        {
            var reasons = result.TrackedSteps[name].SelectMany(step => step.Outputs).Select(output => output.Reason);
            Assert.All(reasons, reason => Assert.True(NoWork.Contains(reason), $"{name} was {reason}"));
        }
    }

    /// <summary>Every value any of <paramref name="stages"/> produced.</summary>
    public static List<object> Outputs(GeneratorRunResult result, IEnumerable<string> stages) =>
        [.. stages.SelectMany(name => result.TrackedSteps[name]).SelectMany(step => step.Outputs).Select(output => output.Value)];

    public static void HoldNoRoslynObjects(IEnumerable<object> values)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var value in values)
        {
            AssertHoldsNoRoslynObjects(value, value.GetType().Name, visited);
        }
    }

    private static bool IsToolStage(string name) => name.StartsWith("Tool", StringComparison.Ordinal);

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

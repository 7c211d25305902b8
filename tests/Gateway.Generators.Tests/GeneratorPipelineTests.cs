using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Tests;

/// <summary>
/// What every generator's pipeline must show (STYLE §20, §26): each stage tracked, and no work for a second run on an
/// unchanged or unrelated edit. A derived class names its generator, its source file and its stages, and adds the
/// edits that concern its own inputs.
/// </summary>
public abstract class GeneratorPipelineTests
{
    protected const string UnrelatedPath = "Unrelated.cs";

    protected const string Unrelated = """
        namespace Sample;

        internal static class Calculator
        {
            public static int Compute(int x) => x + 1;
        }
        """;

    /// <summary>The file holding the declarations the generator reads.</summary>
    protected abstract string SourcePath { get; }

    protected abstract string Source { get; }

    protected abstract string[] Stages { get; }

    protected abstract IIncrementalGenerator CreateGenerator();

    /// <summary>The MSBuild properties the generator sees; none unless a generator needs some.</summary>
    protected virtual IReadOnlyDictionary<string, string>? BuildProperties => null;

    [Fact]
    public void EveryStageIsTracked()
    {
        var (result, _, _) = Run(CreateCompilation());

        PipelineAssert.EveryStageIsTracked(result, Stages);
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
        AssertSecondRunDoesNoWork(compilation => GeneratorHarness.Edit(compilation, UnrelatedPath, "x + 1", "x * 2"));

    protected Compilation CreateCompilation(string? source = null) =>
        GeneratorHarness.CreateCompilation((SourcePath, source ?? Source), (UnrelatedPath, Unrelated));

    protected GeneratorDriver CreateDriver() => GeneratorHarness.CreateDriver(CreateGenerator(), BuildProperties);

    protected (GeneratorRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(Compilation compilation) =>
        GeneratorHarness.Run(compilation, CreateGenerator(), BuildProperties);

    /// <summary>Runs the generator, then again after <paramref name="edit"/>: no stage may have done any work.</summary>
    protected void AssertSecondRunDoesNoWork(Func<Compilation, Compilation> edit) =>
        PipelineAssert.NoStageDidWork(RunAgainAfter(edit), Stages);

    /// <summary>Runs the generator on <see cref="Source"/>, then again after <paramref name="edit"/>; returns the second run.</summary>
    protected GeneratorRunResult RunAgainAfter(Func<Compilation, Compilation> edit)
    {
        var compilation = CreateCompilation();
        var driver = CreateDriver().RunGenerators(compilation);
        return driver.RunGenerators(edit(compilation)).GetRunResult().Results.Single();
    }
}

using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Tests.Snapshots;

public class SnapshotTests
{
    // Every property kind the generator writes, required and optional, plus members it must skip.
    private const string Source = """
        using Gateway.Server.Events;
        using Gateway.Tools;

        namespace Sample.Events;

        [ServerEvent("sample_event")]
        internal readonly partial struct SampleEvent
        {
            public string Kind => "sample";
            public required string Name { get; init; }
            public string? Note { get; init; }
            public int Count { get; init; }
            public int? Depth { get; init; }
            public long Total { get; init; }
            public long? CacheReadTokens { get; init; }
            public double Ratio { get; init; }
            public double? Score { get; init; }
            public bool Done { get; init; }
            public bool? Partial { get; init; }
            public RawJson Input { get; init; }
            public RawJson? Output { get; init; }
            public SamplePayload Usage { get; init; }
            public SamplePayload? TotalUsage { get; init; }
            public string? URLPath { get; init; }
            public string @class { get; init; }

            public static string Ignored => "static";
            internal string Hidden { get; init; }
            public string Private { private get; init; }
            public string this[int index] => "indexer";
        }

        [EventPayload]
        internal readonly partial struct SamplePayload
        {
            public required long InputTokens { get; init; }
            public long? CacheReadTokens { get; init; }
            public string? Label { get; init; }
        }
        """;

    [Fact]
    public void RepresentativeEventMatchesSnapshot()
    {
        var result = RunOnSample();
        Snapshot.Verify(GeneratorHarness.GeneratedSource(result, "Sample.Events.SampleEvent.ServerEvent.g.cs"), "SampleEvent");
    }

    [Fact]
    public void PayloadMatchesSnapshot()
    {
        var result = RunOnSample();
        Snapshot.Verify(GeneratorHarness.GeneratedSource(result, "Sample.Events.SamplePayload.EventPayload.g.cs"), "SamplePayload");
    }

    [Fact]
    public void NestedEventMatchesSnapshot()
    {
        const string nested = """
            namespace Sample.Events;

            internal static partial class Outer
            {
                internal partial struct Inner
                {
                    [Gateway.Server.Events.ServerEvent("nested")]
                    internal readonly partial record struct NestedEvent(string Message);
                }
            }
            """;
        var (result, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(("Nested.cs", nested)));

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Snapshot.Verify(GeneratorHarness.GeneratedSource(result, "Sample.Events.Outer.Inner.NestedEvent.ServerEvent.g.cs"), "NestedEvent");
    }

    private static GeneratorRunResult RunOnSample()
    {
        var (result, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(("Sample.cs", Source)));

        // The generated code must compile against the contracts, or the snapshot proves nothing.
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        return result;
    }
}

using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Tests.Snapshots;

public class ToolRegistrySnapshotTests
{
    // Every parameter kind, required and optional (C# default or nullable), bounds, the injected
    // ToolContext and CancellationToken, the three return kinds, tools spread over two types, and
    // permission hooks (one among overloads of other shapes, one with a keyword for a name).
    private const string Source = """
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Gateway.Tools;

        namespace Sample.Tools;

        internal static class ShellTools
        {
            [Tool("shell", "Runs a command in the workspace.", PermissionView = nameof(ShellView), AlwaysRule = nameof(ShellRule))]
            public static ValueTask<ToolResult> ShellAsync(
                ToolContext context,
                IToolProgress progress,
                [ToolParameter("The command to run.")] string command,
                [ToolParameter("Seconds before the command is killed.", Minimum = 1, Maximum = 600)] int timeout = 5,
                CancellationToken cancellationToken = default) =>
                new(ToolResult.Success(context.WorkspaceRoot + command + timeout));

            [Tool("ping", "Answers \"pong\".")]
            internal static ToolResult Ping() => ToolResult.Success("pong");

            internal static RawJson ShellView(JsonElement arguments, ToolContext context) => default;

            internal static string ShellRule(string command) => command;

            internal static IReadOnlyList<KeyValuePair<string, string>> ShellRule(JsonElement arguments, ToolContext context) => [];
        }

        public static class Outer
        {
            internal static class Inspection
            {
                [Tool("inspect", "Echoes values of every kind.", AlwaysRule = nameof(@event))]
                public static Task<ToolResult> InspectAsync(
                    [ToolParameter("A label.")] string label,
                    [ToolParameter("An optional note.")] string? note,
                    [ToolParameter("A count.", Minimum = 0)] int count,
                    [ToolParameter("An optional depth.")] int? depth,
                    [ToolParameter("A total.", Maximum = 1e12)] long total,
                    [ToolParameter("An optional offset.")] long? offset = 10,
                    [ToolParameter("A ratio.", Minimum = 0, Maximum = 0.75)] double ratio = 0.5,
                    [ToolParameter("An optional score.")] double? score = null,
                    [ToolParameter("A flag.")] bool verbose = false,
                    [ToolParameter("An optional flag.")] bool? strict = null,
                    [ToolParameter("A keyword as a name,\twith a tab.")] string @class = "plain \"quoted\"",
                    CancellationToken cancellationToken = default) =>
                    Task.FromResult(ToolResult.Success($"{label}{note}{count}{depth}{total}{offset}{ratio}{score}{verbose}{strict}{@class}"));

                public static IReadOnlyList<KeyValuePair<string, string>>? @event(JsonElement arguments, ToolContext context) => null;
            }
        }
        """;

    [Fact]
    public void RepresentativeRegistryMatchesSnapshot()
    {
        var (result, output, diagnostics) = GeneratorHarness.Run(
            GeneratorHarness.CreateCompilation(("Tools.cs", Source)),
            new ToolRegistryGenerator(),
            new Dictionary<string, string> { ["RootNamespace"] = "Sample.Tools" });

        // The generated code must compile against the contracts, or the snapshot proves nothing.
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Snapshot.Verify(GeneratorHarness.GeneratedSource(result, "Sample.Tools.GeneratedToolRegistry.g.cs"), "ToolRegistry");
    }

    [Theory]
    [InlineData("My.App", null, "My.App")]
    [InlineData(null, "Assembly.Name", "Assembly.Name")]
    [InlineData("", "Assembly.Name", "Assembly.Name")]
    [InlineData("my-app.2d.class", null, "my_app._2d.@class")]
    public void RegistryNamespaceIsTheRootNamespaceElseTheAssemblyName(string? rootNamespace, string? assemblyName, string expected)
    {
        var properties = rootNamespace is null ? null : new Dictionary<string, string> { ["RootNamespace"] = rootNamespace };
        var compilation = GeneratorHarness.CreateCompilation(("Tools.cs", Source)).WithAssemblyName(assemblyName ?? "Unused");

        var (result, output, _) = GeneratorHarness.Run(compilation, new ToolRegistryGenerator(), properties);

        var source = Assert.Single(result.GeneratedSources);
        Assert.Equal(expected.Replace("@", "", StringComparison.Ordinal) + ".GeneratedToolRegistry.g.cs", source.HintName);
        Assert.Contains($"namespace {expected}\n", source.SourceText.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void NoToolsMeansNoRegistry()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(
            GeneratorHarness.CreateCompilation(("Empty.cs", "namespace Sample; internal static class Nothing { }")),
            new ToolRegistryGenerator());

        Assert.Empty(diagnostics);
        Assert.Empty(result.GeneratedSources);
    }
}

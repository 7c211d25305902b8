using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Gateway.Generators.Tests;

/// <summary>Compiles test sources and runs a generator on them (<see cref="ServerEventGenerator"/> unless told otherwise) with <see cref="CSharpGeneratorDriver"/>.</summary>
/// <remarks>
/// References come from the running runtime's directory, so nothing is downloaded. The contracts the
/// generators target (attributes, interfaces, EventJsonWriter, RawJson, the tool types) are declared by
/// <see cref="Contracts"/> in the same namespaces as Gateway.Server and Gateway.Tools declare them.
/// </remarks>
internal static class GeneratorHarness
{
    public const string Contracts = """
        namespace Gateway.Server.Events
        {
            [System.AttributeUsage(System.AttributeTargets.Struct, Inherited = false)]
            internal sealed class ServerEventAttribute(string type) : System.Attribute
            {
                public string Type { get; } = type;
            }

            [System.AttributeUsage(System.AttributeTargets.Struct, Inherited = false)]
            internal sealed class EventPayloadAttribute : System.Attribute;

            internal interface IServerEvent
            {
                static abstract System.ReadOnlySpan<byte> EventType { get; }

                void WriteJson(System.Text.Json.Utf8JsonWriter writer);

                void WriteSseFrame(System.Buffers.IBufferWriter<byte> output);
            }

            internal interface IEventPayload
            {
                void WriteJson(System.Text.Json.Utf8JsonWriter writer);
            }

            internal static class EventJsonWriter
            {
                public static System.Text.Json.Utf8JsonWriter Rent(System.Buffers.IBufferWriter<byte> output) => new(output);
            }
        }

        namespace Gateway.Tools
        {
            public readonly struct RawJson
            {
                private RawJson(System.ReadOnlyMemory<byte> utf8) => Utf8 = utf8;

                public System.ReadOnlyMemory<byte> Utf8 { get; }

                public static RawJson Parse(System.ReadOnlySpan<byte> utf8Json) => new(utf8Json.ToArray());

                public void WriteTo(System.Text.Json.Utf8JsonWriter writer) => writer.WriteRawValue(Utf8.Span);
            }

            [System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
            public sealed class ToolAttribute(string name, string description) : System.Attribute
            {
                public string Name { get; } = name;

                public string Description { get; } = description;

                public string? PermissionView { get; set; }

                public string? AlwaysRule { get; set; }
            }

            [System.AttributeUsage(System.AttributeTargets.Parameter, Inherited = false)]
            public sealed class ToolParameterAttribute(string description) : System.Attribute
            {
                public string Description { get; } = description;

                public double Minimum { get; set; } = double.NaN;

                public double Maximum { get; set; } = double.NaN;
            }

            public sealed class ToolContext(string workspaceRoot)
            {
                public string WorkspaceRoot { get; } = workspaceRoot;
            }

            public enum ToolOutputStream { Stdout, Stderr }

            public interface IToolProgress
            {
                void Report(System.ReadOnlySpan<byte> utf8, ToolOutputStream stream);
            }

            public static class ToolProgress
            {
                public static IToolProgress None { get; } = null!;
            }

            public readonly record struct ToolResult(string? Context, RawJson? Result, string? Error)
            {
                public static ToolResult Success(string? context) => new(context, null, null);

                public static ToolResult Failure(string error) => new(null, null, error);
            }

            public delegate RawJson ToolPermissionView(System.Text.Json.JsonElement arguments, ToolContext context);

            public delegate System.Collections.Generic.IReadOnlyList<System.Collections.Generic.KeyValuePair<string, string>>? ToolAlwaysRule(System.Text.Json.JsonElement arguments, ToolContext context);

            public sealed record ToolDescriptor(
                string Name, string Description, RawJson ParametersSchema, ToolPermissionView? PermissionView = null, ToolAlwaysRule? AlwaysRule = null);
        }
        """;

    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>A compilation of the contracts plus <paramref name="sources"/>, each a (path, text) pair.</summary>
    public static CSharpCompilation CreateCompilation(params (string Path, string Source)[] sources) =>
        CSharpCompilation.Create(
            "GeneratorTests",
            [Parse(Contracts, "Contracts.cs"), .. sources.Select(s => Parse(s.Source, s.Path))],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <param name="buildProperties">MSBuild properties the generator sees as <c>build_property.*</c> (e.g. <c>RootNamespace</c>).</param>
    public static GeneratorDriver CreateDriver(IIncrementalGenerator? generator = null, IReadOnlyDictionary<string, string>? buildProperties = null) =>
        CSharpGeneratorDriver.Create(
            [(generator ?? new ServerEventGenerator()).AsSourceGenerator()],
            parseOptions: ParseOptions,
            optionsProvider: new BuildPropertiesProvider(buildProperties ?? new Dictionary<string, string>()),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated sources added.</summary>
    public static (GeneratorRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(
        Compilation compilation, IIncrementalGenerator? generator = null, IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var driver = CreateDriver(generator, buildProperties).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver.GetRunResult().Results.Single(), output, diagnostics);
    }

    /// <summary><paramref name="compilation"/> with <paramref name="oldText"/> replaced in the tree at <paramref name="path"/>.</summary>
    public static Compilation Edit(Compilation compilation, string path, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(tree => tree.FilePath == path);
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(text.Replace(oldText, newText, StringComparison.Ordinal))));
    }

    public static string GeneratedSource(GeneratorRunResult result, string hintName) =>
        result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var trustedAssemblies = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. trustedAssemblies
            .Where(path => Path.GetDirectoryName(path) == runtimeDirectory && path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    /// <summary>Global analyzer config options holding only <c>build_property.*</c> entries, as the SDK writes them.</summary>
    private sealed class BuildPropertiesProvider(IReadOnlyDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(properties.ToDictionary(p => "build_property." + p.Key, p => p.Value));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static Options Empty { get; } = new([]);

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}

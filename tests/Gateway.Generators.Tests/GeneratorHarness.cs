using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Gateway.Generators.Tests;

/// <summary>Compiles test sources and runs <see cref="ServerEventGenerator"/> on them with <see cref="CSharpGeneratorDriver"/>.</summary>
/// <remarks>
/// References come from the running runtime's directory, so nothing is downloaded. The contracts the
/// generator targets (attributes, interfaces, EventJsonWriter, RawJson) are declared by <see cref="Contracts"/>
/// in the same namespaces as Gateway.Server and Gateway.Tools declare them.
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
                public void WriteTo(System.Text.Json.Utf8JsonWriter writer) => writer.WriteRawValue("{}"u8);
            }
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

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new ServerEventGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated sources added.</summary>
    public static (GeneratorRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver.GetRunResult().Results.Single(), output, diagnostics);
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
}

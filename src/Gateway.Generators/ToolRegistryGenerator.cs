using Gateway.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Gateway.Generators;

/// <summary>
/// Builds one <c>GeneratedToolRegistry</c> per compilation from its <c>[Tool]</c> methods: the descriptors
/// offered to the model (name, description, JSON Schema of the parameters) and a dispatcher that binds
/// the model's JSON arguments to the typed parameters with no reflection (SPEC §6, §7).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ToolRegistryGenerator : IIncrementalGenerator
{
    internal const string ToolAttributeName = "Gateway.Tools.ToolAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var tools = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ToolAttributeName,
                static (node, _) => node.IsKind(SyntaxKind.MethodDeclaration),
                static (syntax, cancellationToken) => Parser.Parse(syntax, cancellationToken))
            .WithTrackingName(TrackingNames.ToolResults);

        // Diagnostics and source are separate stages: each is re-run only when its own part changed.
        var diagnostics = tools
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.ToolDiagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, diagnostics) => DiagnosticInfo.ReportAll(output, diagnostics));

        // GW0008 needs every tool at once. Only names and locations are collected, so an edit that moves
        // a tool re-runs this check but not the registry.
        var duplicateNames = tools
            .Select(static (result, _) => result.Name)
            .WithTrackingName(TrackingNames.ToolNames)
            .Collect()
            .WithTrackingName(TrackingNames.ToolNamesCollected)
            .Select(static (names, _) => Parser.FindDuplicateToolNames(names))
            .WithTrackingName(TrackingNames.ToolDuplicateNames);
        context.RegisterSourceOutput(duplicateNames, static (output, diagnostics) => DiagnosticInfo.ReportAll(output, diagnostics));

        // Options are read as build_property.* (STYLE §20); the compilation is selected down to its name,
        // which compares equal across edits, so nothing below re-runs for an edit elsewhere.
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var value) ? value : null)
            .WithTrackingName(TrackingNames.ToolRootNamespace);
        var assemblyName = context.CompilationProvider
            .Select(static (compilation, _) => compilation.AssemblyName)
            .WithTrackingName(TrackingNames.ToolAssemblyName);
        var registryNamespace = rootNamespace
            .Combine(assemblyName)
            .Select(static (names, _) => Parser.RegistryNamespace(names.Left, names.Right))
            .WithTrackingName(TrackingNames.ToolRegistryNamespace);

        // Null specs (tools with errors) are collected too: a compilation that declares any tool gets a
        // registry, so code using it does not fail with follow-on errors while a GW error is being fixed.
        var registry = tools
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.ToolSpecs)
            .Collect()
            .WithTrackingName(TrackingNames.ToolSpecsCollected)
            .Combine(registryNamespace)
            .WithTrackingName(TrackingNames.ToolRegistryInputs)
            .Select(static (inputs, _) => Parser.CreateRegistry(inputs.Left, inputs.Right))
            .WithTrackingName(TrackingNames.ToolRegistry);

        context.RegisterSourceOutput(registry, static (output, spec) =>
        {
            if (spec is not null)
            {
                output.AddSource(spec.HintName, Emitter.Emit(spec));
            }
        });
    }
}

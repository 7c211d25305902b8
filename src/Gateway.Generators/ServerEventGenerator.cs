using Gateway.Generators.Helpers;
using Gateway.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Gateway.Generators;

/// <summary>
/// Implements <c>IServerEvent</c> for every <c>[ServerEvent("type")]</c> struct and <c>IEventPayload</c>
/// for every <c>[EventPayload]</c> struct of the stream (SPEC §5), so events are written to SSE with no
/// reflection and no allocation.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ServerEventGenerator : IIncrementalGenerator
{
    internal const string ServerEventAttributeName = "Gateway.Server.Events.ServerEventAttribute";
    internal const string EventPayloadAttributeName = "Gateway.Server.Events.EventPayloadAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var events = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ServerEventAttributeName,
                static (node, _) => IsStructDeclaration(node),
                static (syntax, cancellationToken) => Parser.Parse(syntax, ImplementedInterface.ServerEvent, cancellationToken))
            .WithTrackingName(TrackingNames.ServerEventResults);

        var payloads = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                EventPayloadAttributeName,
                static (node, _) => IsStructDeclaration(node),
                static (syntax, cancellationToken) => Parser.Parse(syntax, ImplementedInterface.EventPayload, cancellationToken))
            .WithTrackingName(TrackingNames.EventPayloadResults);

        RegisterOutputs(context, events, TrackingNames.ServerEventSpecs, TrackingNames.ServerEventSpecsToEmit, TrackingNames.ServerEventDiagnostics);
        RegisterOutputs(context, payloads, TrackingNames.EventPayloadSpecs, TrackingNames.EventPayloadSpecsToEmit, TrackingNames.EventPayloadDiagnostics);

        // GW0003 is the one check that needs every event at once. Only the names and their locations
        // are collected, so an edit inside one event's body does not re-run it.
        var duplicateNames = events
            .Select(static (result, _) => result.EventName)
            .WithTrackingName(TrackingNames.EventNames)
            .Where(static name => name is not null)
            .WithTrackingName(TrackingNames.EventNamesDeclared)
            .Collect()
            .WithTrackingName(TrackingNames.AllEventNames)
            .Select(static (names, _) => Parser.FindDuplicateEventNames(names!))
            .WithTrackingName(TrackingNames.DuplicateEventNames);

        context.RegisterSourceOutput(duplicateNames, static (output, diagnostics) => DiagnosticInfo.ReportAll(output, diagnostics));
    }

    private static void RegisterOutputs(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<TypeParseResult> results,
        string specsName,
        string specsToEmitName,
        string diagnosticsName)
    {
        // Diagnostics and source are separate stages: each is re-run only when its own part changed.
        var diagnostics = results
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(diagnosticsName);
        context.RegisterSourceOutput(diagnostics, static (output, diagnostics) => DiagnosticInfo.ReportAll(output, diagnostics));

        var specs = results
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(specsName)
            .Where(static spec => spec is not null)
            .WithTrackingName(specsToEmitName);
        context.RegisterSourceOutput(specs, static (output, spec) => output.AddSource(spec!.HintName, Emitter.Emit(spec)));
    }

    // Syntax kind only: the attribute's identity is already checked by ForAttributeWithMetadataName.
    private static bool IsStructDeclaration(SyntaxNode node) =>
        node.IsKind(SyntaxKind.StructDeclaration) || node.IsKind(SyntaxKind.RecordStructDeclaration);
}

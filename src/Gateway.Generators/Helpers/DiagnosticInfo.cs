using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Helpers;

/// <summary>A diagnostic as data: found by the parser, reported by an output stage (STYLE §22).</summary>
/// <remarks>
/// Immutable and compared by value. <see cref="DiagnosticDescriptor"/> is itself equatable and holds
/// no compilation state, so it may travel as it is.
/// </remarks>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs) =>
        new(descriptor, location, new EquatableArray<string>(messageArgs));

    public Diagnostic ToDiagnostic()
    {
        var args = new object[MessageArgs.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = MessageArgs[i];
        }
        return Diagnostic.Create(Descriptor, Location?.ToLocation(), args);
    }

    public static void ReportAll(SourceProductionContext context, IEnumerable<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}

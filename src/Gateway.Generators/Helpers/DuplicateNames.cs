using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Gateway.Generators.Helpers;

/// <summary>Finds names used more than once (event names, tool names), in source order.</summary>
internal static class DuplicateNames
{
    /// <summary>One diagnostic for every usage after the first of its name, made from the usage and that first one.</summary>
    public static EquatableArray<DiagnosticInfo> Report<T>(ImmutableArray<T> usages, Func<T, string> nameOf, Func<T, T, DiagnosticInfo> report)
    {
        var first = new Dictionary<string, T>(StringComparer.Ordinal);
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var usage in usages)
        {
            if (first.TryGetValue(nameOf(usage), out var owner))
            {
                diagnostics.Add(report(usage, owner));
            }
            else
            {
                first.Add(nameOf(usage), usage);
            }
        }
        return EquatableArray.From(diagnostics);
    }
}

using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Gateway.Generators.Helpers;

/// <summary>Rules for names the generators read from attributes or write as C# identifiers.</summary>
internal static class Identifiers
{
    /// <summary>Non-empty lowercase snake_case (<c>[a-z][a-z0-9_]*</c>): event type names and tool names.</summary>
    /// <remarks>Such a name needs no escaping in JSON, in an SSE field or in a C# identifier.</remarks>
    public static bool IsSnakeCase(string name)
    {
        if (name.Length == 0 || name[0] is < 'a' or > 'z')
        {
            return false;
        }
        foreach (var c in name)
        {
            if (c is not (>= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Prefixes <c>@</c> when <paramref name="name"/> is a C# keyword.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// <paramref name="name"/> (a RootNamespace or assembly name) as a valid namespace: characters other than
    /// letters, digits and <c>_</c> become <c>_</c>, a segment starting with a digit gets a leading <c>_</c>,
    /// keywords get <c>@</c>. Null when nothing is left, meaning the global namespace.
    /// </summary>
    public static string? ToNamespace(string? name)
    {
        var segments = new List<string>();
        foreach (var segment in (name ?? "").Split('.'))
        {
            var identifier = new StringBuilder(segment.Length + 1);
            foreach (var c in segment.Trim())
            {
                identifier.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
            }
            if (identifier.Length == 0)
            {
                continue;
            }
            if (char.IsDigit(identifier[0]))
            {
                identifier.Insert(0, '_');
            }
            segments.Add(Escape(identifier.ToString()));
        }
        return segments.Count == 0 ? null : string.Join(".", segments);
    }
}

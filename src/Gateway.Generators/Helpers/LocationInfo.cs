using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Gateway.Generators.Helpers;

/// <summary>A source location as plain values, so it can travel through the pipeline (a <see cref="Location"/> holds its syntax tree).</summary>
/// <remarks>Immutable; equal when file, span and line span are equal.</remarks>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    // An external-file location: the output stage has no compilation to find the tree again. The IDE
    // and the command line show it at the same file, line and column as a source location.
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public static LocationInfo? From(SyntaxToken token) => From(token.GetLocation());

    public static LocationInfo? From(SyntaxNode node) => From(node.GetLocation());
}

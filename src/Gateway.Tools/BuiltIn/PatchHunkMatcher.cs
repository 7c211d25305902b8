namespace Gateway.Tools.BuiltIn;

/// <summary>Applies an Update's hunks to a file's lines, in order, matching exactly.</summary>
/// <remarks>
/// Where a hunk goes: its old lines (context and removed, in order) must appear contiguously and exactly
/// (whitespace included) in the file. The search starts after the previous hunk's replacement, so hunks
/// are in file order and never overlap; when the text occurs more than once, the first occurrence from
/// there wins. An <c>@@ anchor</c> moves the start to the first line at or after that point containing
/// the anchor text, which is how a hunk picks a later occurrence. A hunk with no old lines (only
/// <c>+</c> lines) inserts after its anchor line, or at the end of the file when it has none.
/// </remarks>
internal static class PatchHunkMatcher
{
    /// <summary>Rewrites <paramref name="lines"/> in place; on failure returns the error and <paramref name="lines"/> is partly changed.</summary>
    public static string? Apply(List<string> lines, IReadOnlyList<PatchHunk> hunks, string path)
    {
        var position = 0;
        foreach (var hunk in hunks)
        {
            var searchFrom = position;
            if (hunk.Anchor is { } anchor)
            {
                searchFrom = IndexOfLineContaining(lines, anchor, position);
                if (searchFrom < 0)
                {
                    return $"Hunk {hunk.Number} of {path}: '@@ {anchor}' not found in the file";
                }
            }
            int at;
            if (hunk.OldLines.Count == 0)
            {
                at = hunk.Anchor is null ? lines.Count : searchFrom + 1;
            }
            else if ((at = IndexOfLines(lines, hunk.OldLines, searchFrom)) < 0)
            {
                return $"Hunk {hunk.Number} of {path} does not match the file";
            }
            lines.RemoveRange(at, hunk.OldLines.Count);
            lines.InsertRange(at, hunk.NewLines);
            position = at + hunk.NewLines.Count;
        }
        return null;
    }

    private static int IndexOfLineContaining(List<string> lines, string text, int from)
    {
        for (var i = from; i < lines.Count; i++)
        {
            if (lines[i].Contains(text, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private static int IndexOfLines(List<string> lines, IReadOnlyList<string> wanted, int from)
    {
        for (var start = from; start + wanted.Count <= lines.Count; start++)
        {
            var i = 0;
            while (i < wanted.Count && lines[start + i] == wanted[i])
            {
                i++;
            }
            if (i == wanted.Count)
            {
                return start;
            }
        }
        return -1;
    }
}

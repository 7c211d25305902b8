using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Gateway.Tools.BuiltIn;

/// <summary>Parses the patch grammar of SPEC §7 into operations, or names the first thing wrong with it.</summary>
/// <remarks>
/// Grammar (one item per line, "\r\n" accepted):
/// <code>
/// *** Begin Patch
/// *** Add File: &lt;path&gt;      then lines "+&lt;text&gt;" (the new file's content)
/// *** Delete File: &lt;path&gt;   nothing follows
/// *** Update File: &lt;path&gt;   then one or more hunks: "@@[ anchor]" followed by " ctx", "-old", "+new" lines
/// *** End Patch
/// </code>
/// Leniencies, each because models produce it and it cannot change what a patch means: blank lines
/// before Begin, after End and at the end of a section are ignored; inside a hunk an empty line is an
/// empty context line (editors strip the lone space); an anchor written as a unified-diff range
/// (<c>@@ -3,4 +3,5 @@ name</c>) keeps only the text after the range, since line numbers are not used.
/// Everything else is an error naming the 1-based line of the patch.
/// </remarks>
internal static partial class PatchParser
{
    private const string BeginMarker = "*** Begin Patch";
    private const string EndMarker = "*** End Patch";
    private const string AddHeader = "*** Add File:";
    private const string DeleteHeader = "*** Delete File:";
    private const string UpdateHeader = "*** Update File:";

    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out List<PatchOperation>? operations,
        [NotNullWhen(false)] out string? error)
    {
        operations = null;
        var lines = (text ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
        }
        var start = 0;
        var end = lines.Length - 1;
        while (start <= end && string.IsNullOrWhiteSpace(lines[start]))
        {
            start++;
        }
        while (end >= start && string.IsNullOrWhiteSpace(lines[end]))
        {
            end--;
        }
        if (start > end || lines[start].Trim() != BeginMarker)
        {
            error = $"Patch must start with '{BeginMarker}'";
            return false;
        }
        if (end == start || lines[end].Trim() != EndMarker)
        {
            error = $"Patch must end with '{EndMarker}'";
            return false;
        }

        var parsed = new List<PatchOperation>();
        var index = start + 1;
        while (index < end)
        {
            if (string.IsNullOrWhiteSpace(lines[index]))
            {
                index++;
                continue;
            }
            if (!TryParseSection(lines, ref index, end, out var operation, out error))
            {
                return false;
            }
            parsed.Add(operation);
        }
        if (parsed.Count == 0)
        {
            error = "Patch contains no file operations";
            return false;
        }
        operations = parsed;
        error = null;
        return true;
    }

    /// <summary>Parses the header at <paramref name="index"/> and its body; leaves <paramref name="index"/> at the next header or the end marker.</summary>
    private static bool TryParseSection(
        string[] lines, ref int index, int end,
        [NotNullWhen(true)] out PatchOperation? operation, [NotNullWhen(false)] out string? error)
    {
        operation = null;
        var header = lines[index];
        var headerLine = index + 1;
        if (header.Trim() == EndMarker)
        {
            error = $"Line {headerLine}: text follows '{EndMarker}'";
            return false;
        }
        if (!TryReadHeader(header, out var kind, out var path))
        {
            error = header.StartsWith("***", StringComparison.Ordinal)
                ? $"Line {headerLine}: unknown patch header '{header}'"
                : $"Line {headerLine}: expected '{AddHeader}', '{DeleteHeader}' or '{UpdateHeader}' but found '{header}'";
            return false;
        }
        if (path.Length == 0)
        {
            error = $"Line {headerLine}: '{header.Trim()}' names no file";
            return false;
        }
        // A body runs to the next "***" line; no body line of a valid patch starts that way, because add
        // lines start with "+" and hunk lines with "@@", " ", "-" or "+".
        var bodyStart = index + 1;
        var sectionEnd = bodyStart;
        while (sectionEnd < end && !lines[sectionEnd].StartsWith("***", StringComparison.Ordinal))
        {
            sectionEnd++;
        }
        var bodyEnd = sectionEnd;
        while (bodyEnd > bodyStart && lines[bodyEnd - 1].Length == 0)
        {
            bodyEnd--;
        }
        index = sectionEnd;

        switch (kind)
        {
            case PatchOperationKind.Add:
                var added = new List<string>(bodyEnd - bodyStart);
                for (var i = bodyStart; i < bodyEnd; i++)
                {
                    if (!lines[i].StartsWith('+'))
                    {
                        error = $"Line {i + 1}: every line of an added file must start with '+' ({path})";
                        return false;
                    }
                    added.Add(lines[i][1..]);
                }
                operation = new PatchOperation(kind, path, added, []);
                break;
            case PatchOperationKind.Delete:
                if (bodyEnd > bodyStart)
                {
                    error = $"Line {bodyStart + 1}: nothing may follow '{DeleteHeader} {path}'";
                    return false;
                }
                operation = new PatchOperation(kind, path, [], []);
                break;
            default:
                if (!TryParseHunks(lines, bodyStart, bodyEnd, path, out var hunks, out error))
                {
                    return false;
                }
                operation = new PatchOperation(kind, path, [], hunks);
                break;
        }
        error = null;
        return true;
    }

    private static bool TryParseHunks(
        string[] lines, int start, int end, string path,
        [NotNullWhen(true)] out List<PatchHunk>? hunks, [NotNullWhen(false)] out string? error)
    {
        hunks = null;
        if (start == end)
        {
            error = $"Line {start}: '{UpdateHeader} {path}' has no '@@' hunk";
            return false;
        }
        var parsed = new List<PatchHunk>();
        string? anchor = null;
        List<string>? oldLines = null, newLines = null;
        var hunkLine = start;
        for (var i = start; i <= end; i++)
        {
            if (i == end || lines[i].StartsWith("@@", StringComparison.Ordinal))
            {
                if (oldLines is not null)
                {
                    if (oldLines.Count == 0 && newLines!.Count == 0)
                    {
                        error = $"Line {hunkLine + 1}: empty hunk in {path}";
                        return false;
                    }
                    parsed.Add(new PatchHunk(anchor, oldLines, newLines!, parsed.Count + 1));
                }
                if (i < end)
                {
                    anchor = Anchor(lines[i]);
                    (oldLines, newLines, hunkLine) = ([], [], i);
                }
                continue;
            }
            if (oldLines is null || newLines is null)
            {
                error = $"Line {i + 1}: expected '@@' to start a hunk of {path}";
                return false;
            }
            var line = lines[i];
            switch (line.Length == 0 ? ' ' : line[0])
            {
                case ' ':
                    var context = line.Length == 0 ? "" : line[1..];
                    oldLines.Add(context);
                    newLines.Add(context);
                    break;
                case '-':
                    oldLines.Add(line[1..]);
                    break;
                case '+':
                    newLines.Add(line[1..]);
                    break;
                default:
                    error = $"Line {i + 1}: a hunk line must start with ' ', '-' or '+' ({path})";
                    return false;
            }
        }
        hunks = parsed;
        error = null;
        return true;
    }

    private static bool TryReadHeader(string line, out PatchOperationKind kind, out string path)
    {
        (kind, var prefix) = line.StartsWith(AddHeader, StringComparison.Ordinal) ? (PatchOperationKind.Add, AddHeader)
            : line.StartsWith(DeleteHeader, StringComparison.Ordinal) ? (PatchOperationKind.Delete, DeleteHeader)
            : line.StartsWith(UpdateHeader, StringComparison.Ordinal) ? (PatchOperationKind.Update, UpdateHeader)
            : (default, null);
        path = prefix is null ? "" : line[prefix.Length..].Trim();
        return prefix is not null;
    }

    private static string? Anchor(string line)
    {
        var text = line[2..].Trim();
        var range = UnifiedRange().Match(text);
        if (range.Success)
        {
            text = text[range.Length..].Trim();
        }
        return text.Length == 0 ? null : text;
    }

    /// <summary><c>-3,4 +3,5 @@</c> at the start of an anchor: a unified-diff header the model copied.</summary>
    [GeneratedRegex(@"^-\d+(,\d+)? \+\d+(,\d+)? @@")]
    private static partial Regex UnifiedRange();
}

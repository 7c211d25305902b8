using System.Text;
using System.Text.Unicode;

namespace Gateway.Tools.BuiltIn;

/// <summary>A text file as the lines hunks are matched against, and back to bytes with its conventions kept.</summary>
/// <remarks>
/// What an Update preserves: a UTF-8 byte order mark, "\r\n" line endings (a file containing any "\r\n"
/// is treated as CRLF: lines are compared without the "\r" and written back with "\r\n"), and whether the
/// file ends with a newline. An empty file counts as ending with one, so lines added to it are terminated.
/// </remarks>
internal sealed class PatchText
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly bool _bom;
    private readonly bool _crlf;
    private readonly bool _finalNewline;

    private PatchText(List<string> lines, bool bom, bool crlf, bool finalNewline)
    {
        Lines = lines;
        _bom = bom;
        _crlf = crlf;
        _finalNewline = finalNewline;
    }

    public List<string> Lines { get; }

    /// <summary>Null when the bytes are not text a patch can safely rewrite: a NUL byte, or invalid UTF-8 (rewriting would mangle it).</summary>
    public static PatchText? TryParse(byte[] bytes)
    {
        var bom = bytes.AsSpan().StartsWith(Bom);
        var content = bytes.AsSpan(bom ? Bom.Length : 0);
        if (content.Contains((byte)0) || !Utf8.IsValid(content))
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(content);
        var crlf = text.Contains("\r\n", StringComparison.Ordinal);
        var finalNewline = text.Length == 0 || text.EndsWith('\n');
        if (text.Length == 0)
        {
            return new PatchText([], bom, crlf, finalNewline);
        }
        var lines = new List<string>(text[..(text.EndsWith('\n') ? ^1 : ^0)].Split('\n'));
        if (crlf)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                lines[i] = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            }
        }
        return new PatchText(lines, bom, crlf, finalNewline);
    }

    /// <summary>The content of an added file: its lines, each ending with "\n".</summary>
    public static byte[] NewFile(IReadOnlyList<string> lines) =>
        Encoding.UTF8.GetBytes(lines.Count == 0 ? "" : string.Join('\n', lines) + "\n");

    public byte[] ToBytes()
    {
        var newline = _crlf ? "\r\n" : "\n";
        var text = Lines.Count == 0 ? "" : string.Join(newline, Lines) + (_finalNewline ? newline : "");
        var bytes = Encoding.UTF8.GetBytes(text);
        return _bom ? [.. Bom, .. bytes] : bytes;
    }
}

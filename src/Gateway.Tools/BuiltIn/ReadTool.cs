using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Tools.BuiltIn;

/// <summary>The built-in <c>read</c> tool (SPEC §7): numbered text, or images and PDFs as content parts.</summary>
/// <remarks>
/// Choices the SPEC leaves open:
/// <list type="bullet">
/// <item>The <c>path</c> attribute and the media context show the workspace-relative resolved path (one
///   name per file whatever spelling the model used); error messages echo the path as given, so the model
///   recognises its own argument.</item>
/// <item>Lines end at "\n", "\r\n" or "\r"; the terminator is not shown. A final newline does not start
///   another line, so "a\nb\n" has 2 lines.</item>
/// <item>An empty file is <c>lines="0-0" total="0"</c> with no lines; an offset at or past the end of a
///   non-empty file is an error naming the line count.</item>
/// <item>The 50 KB cap counts the UTF-8 bytes of the numbered lines; a capped read ends with a note after
///   <c>&lt;/file&gt;</c> giving the offset to continue from. One line is at most ~8 KB after the 2000-char
///   cut, so a read always shows at least one line.</item>
/// <item>Images and PDFs: <c>context</c> is <c>Image|Document &lt;path&gt; (&lt;n&gt; bytes)</c> so the
///   model's text history never carries the base64; the data goes in <c>result</c>.</item>
/// <item>The last write time is taken before the content is read, so a write racing the read makes the
///   recorded time older and <c>patch</c> refuses the file rather than trusting stale content.</item>
/// </list>
/// </remarks>
public static class ReadTool
{
    public const string Name = "read";

    internal const int MaxLineLength = 2000;
    internal const int OutputCap = 50 * 1024;
    internal const long MaxMediaBytes = 5 * 1024 * 1024;
    private const int BinaryProbeBytes = 8 * 1024;

    [Tool(Name, "Reads a file in the workspace. Text comes back with 1-based line numbers, at most `limit` lines from the 0-based "
        + "line `offset` and at most 50 KB; page through long files with offset and limit. Images (png, jpg, jpeg, gif, webp) "
        + "and PDFs up to 5 MB come back as content. Read a file before patching it.",
        AlwaysRule = nameof(AlwaysRule))]
    public static async ValueTask<ToolResult> ReadAsync(
        ToolContext context,
        [ToolParameter("Path of the file, relative to the workspace or absolute")] string filePath,
        [ToolParameter("0-based line to start at", Minimum = 0)] int offset = 0,
        [ToolParameter("Maximum number of lines to return", Minimum = 1)] int limit = 2000,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The generated binder enforces the schema; these guard direct callers.
        if (offset < 0)
        {
            return ToolResult.Failure("offset must be 0 or more");
        }
        if (limit < 1)
        {
            return ToolResult.Failure("limit must be 1 or more");
        }
        if (!WorkspacePaths.TryResolve(context, filePath, out var fullPath, out var error))
        {
            return ToolResult.Failure(error);
        }
        if (Directory.Exists(fullPath))
        {
            return ToolResult.Failure($"Cannot read a directory: {filePath}");
        }
        if (!File.Exists(fullPath))
        {
            return ToolResult.Refused($"File not found: {filePath}");
        }

        try
        {
            var lastWrite = File.GetLastWriteTimeUtc(fullPath);
            var displayPath = WorkspacePaths.ToRelative(context, fullPath);
            var read = MediaType(fullPath) is { } media
                ? await ReadMediaAsync(fullPath, filePath, displayPath, media, cancellationToken).ConfigureAwait(false)
                : await ReadTextAsync(fullPath, filePath, displayPath, offset, limit, cancellationToken).ConfigureAwait(false);
            if (read is not { } result)
            {
                return ToolResult.Refused($"Cannot read binary file: {filePath}");
            }
            if (result.Error is null)
            {
                context.ReadFiles[fullPath] = lastWrite;
            }
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ToolResult.Failure($"Cannot read {filePath}: {e.Message}");
        }
    }

    /// <summary>
    /// "Always" on a read allows reading that part of the tree: <c>filePath</c>'s directory as written plus <c>**</c>
    /// (<c>src/app/a.cs</c> → <c>src/app/**</c>), where the generic rule would pin the one file. A top-level file gives
    /// <c>**</c>, safe because <c>read</c> stays in the workspace and wildcards never match hidden names or "..".
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, string>>? AlwaysRule(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("filePath", out var filePath))
        {
            return null;
        }
        var path = ToolPermissions.StringForm(filePath);
        var slash = path.LastIndexOf('/');
        return [new("filePath", slash < 0 ? "**" : path[..(slash + 1)] + "**")];
    }

    /// <returns>The numbered text, or null for a binary file (a NUL byte in its first 8 KB, SPEC §7).</returns>
    private static async Task<ToolResult?> ReadTextAsync(
        string fullPath, string filePath, string displayPath, int offset, int limit, CancellationToken cancellationToken)
    {
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            if (await StartsAsBinaryAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            stream.Position = 0;
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

            var body = new StringBuilder();
            int total = 0, first = 0, last = 0, bodyBytes = 0;
            var capped = false;
            // Every line is read to count the total; only the window [offset, offset + limit) is kept.
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                total++;
                if (total <= offset || total > (long)offset + limit || capped)
                {
                    continue;
                }
                var text = line.Length > MaxLineLength ? string.Concat(line.AsSpan(0, MaxLineLength), " [truncated]") : line;
                var numbered = $"{total,4} | {text}\n";
                var size = Encoding.UTF8.GetByteCount(numbered);
                if (bodyBytes + size > OutputCap)
                {
                    capped = true;
                    continue;
                }
                body.Append(numbered);
                bodyBytes += size;
                first = first == 0 ? total : first;
                last = total;
            }
            if (total > 0 && offset >= total)
            {
                return ToolResult.Failure($"Offset {offset} is past the end of {filePath} ({total} lines)");
            }
            var output = $"<file path=\"{Attribute(displayPath)}\" lines=\"{first}-{last}\" total=\"{total}\">\n{body}</file>";
            if (capped)
            {
                output += $"\n(Output capped at 50 KB: showing lines {first}-{last} of {total}. "
                    + $"Use offset={last} to read on, or a smaller limit.)";
            }
            return ToolResult.Success(output);
        }
    }

    private static async Task<bool> StartsAsBinaryAsync(FileStream stream, CancellationToken cancellationToken)
    {
        var probe = new byte[BinaryProbeBytes];
        var length = await stream.ReadAtLeastAsync(probe, probe.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return probe.AsSpan(0, length).Contains((byte)0);
    }

    private static async Task<ToolResult> ReadMediaAsync(
        string fullPath, string filePath, string displayPath, string mediaType, CancellationToken cancellationToken)
    {
        var size = new FileInfo(fullPath).Length;
        if (size > MaxMediaBytes)
        {
            return ToolResult.Failure($"File too large to read: {filePath} ({size} bytes; images and PDFs are read up to 5 MB)");
        }
        var bytes = await File.ReadAllBytesAsync(fullPath, cancellationToken).ConfigureAwait(false);
        var isImage = mediaType.StartsWith("image/", StringComparison.Ordinal);

        var buffer = new ArrayBufferWriter<byte>(bytes.Length * 4 / 3 + 128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("type"u8, isImage ? "image"u8 : "document"u8);
            json.WriteString("mediaType"u8, mediaType);
            json.WriteBase64String("data"u8, bytes);
            json.WriteEndObject();
            json.WriteEndArray();
        }
        var context = $"{(isImage ? "Image" : "Document")} {displayPath} ({bytes.Length} bytes)";
        return ToolResult.Success(context, RawJson.Parse(buffer.WrittenSpan));
    }

    /// <summary>The content-part media type for the extensions SPEC §7 names; null for everything read as text.</summary>
    private static string? MediaType(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".PNG" => "image/png",
        ".JPG" or ".JPEG" => "image/jpeg",
        ".GIF" => "image/gif",
        ".WEBP" => "image/webp",
        ".PDF" => "application/pdf",
        _ => null,
    };

    /// <summary>The path goes between double quotes; only a quote inside it could end the attribute early.</summary>
    private static string Attribute(string value) => value.Replace("\"", "&quot;", StringComparison.Ordinal);
}

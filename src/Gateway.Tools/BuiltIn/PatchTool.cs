using System.Buffers;
using System.Text.Json;

namespace Gateway.Tools.BuiltIn;

/// <summary>The built-in <c>patch</c> tool (SPEC §7): adds, deletes and updates workspace files, all or none.</summary>
/// <remarks>
/// Order of work: parse the whole patch (<see cref="PatchParser"/>), then validate every operation and
/// compute every new content in memory, and only then write. Validation failing anywhere means nothing
/// was written; a write failing (disk full, permissions) rolls back the writes before it.
/// <para>
/// Guards (SPEC §7): Update and Delete need the file read in this session (<see cref="ToolContext.ReadFiles"/>)
/// and its last write time unchanged since, so the model never edits content it has not seen. Add refuses
/// an existing file. A file may appear once per patch. After a successful patch the new write times are
/// recorded, so a follow-up patch to the same file works without reading it again.
/// </para>
/// <para>
/// Paths are resolved through <see cref="WorkspacePaths"/>, so an operation on a symbolic link acts on the
/// file it points to (inside the workspace); messages show the path as written in the patch. The
/// context is one <c>Added|Deleted|Updated &lt;path&gt;</c> line per operation, in patch order, or the first
/// problem (SPEC §7: a failed patch is told in its context, not as an error).
/// </para>
/// </remarks>
public static class PatchTool
{
    public const string Name = "patch";

    /// <summary>The property <see cref="PermissionView"/> adds for rules to match: <see cref="PatchDirectory"/>.</summary>
    internal const string DirectoryProperty = "directory";

    [Tool(Name, "Adds, deletes or updates files in the workspace. The patch text starts with '*** Begin Patch' and ends with "
        + "'*** End Patch'. Sections: '*** Add File: <path>' followed by the new content, every line prefixed with '+'; "
        + "'*** Delete File: <path>'; '*** Update File: <path>' followed by one or more hunks, each starting with '@@' (optionally "
        + "followed by text from a line above the change, to pick the right spot) and made of ' ' context, '-' removed and '+' added "
        + "lines that must match the file exactly. Read a file before updating or deleting it. All operations apply or none.",
        PermissionView = nameof(PermissionView), AlwaysRule = nameof(AlwaysRule))]
    public static async ValueTask<ToolResult> ApplyAsync(
        ToolContext context,
        [ToolParameter("The patch, from '*** Begin Patch' to '*** End Patch'")] string patch,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!PatchParser.TryParse(patch, out var operations, out var error))
        {
            return ToolResult.Refused(error);
        }

        var changes = new List<PatchChange>(operations.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            if (!WorkspacePaths.TryResolve(context, operation.Path, out var fullPath, out error))
            {
                return ToolResult.Refused(error);
            }
            if (!seen.Add(fullPath))
            {
                return ToolResult.Refused($"{operation.Path} appears more than once in the patch");
            }
            var (change, planError) = await PlanAsync(context, operation, fullPath, cancellationToken).ConfigureAwait(false);
            if (planError is not null)
            {
                return ToolResult.Refused(planError);
            }
            changes.Add(change!);
        }

        // Last point to stop: from here on cancellation is ignored, since a half-written patch is worse than a late one.
        cancellationToken.ThrowIfCancellationRequested();
        if (PatchWriter.Commit(changes, context.SandboxUser) is { } writeError)
        {
            return ToolResult.Refused(writeError);
        }

        var report = new List<string>(changes.Count);
        foreach (var change in changes)
        {
            var operation = change.Operation;
            if (operation.Kind == PatchOperationKind.Delete)
            {
                context.ReadFiles.TryRemove(change.FullPath, out _);
                report.Add($"Deleted {operation.Path}");
                continue;
            }
            context.ReadFiles[change.FullPath] = File.GetLastWriteTimeUtc(change.FullPath);
            report.Add($"{(operation.Kind == PatchOperationKind.Add ? "Added" : "Updated")} {operation.Path}");
        }
        return ToolResult.Success(string.Join('\n', report));
    }

    /// <summary>
    /// The arguments with <c>"directory"</c> (<see cref="PatchDirectory"/>) added last, or none when the patch has no
    /// directory; a <c>directory</c> the model put in the arguments is dropped, so it cannot pick what a rule sees.
    /// </summary>
    internal static RawJson PermissionView(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return RawJson.FromElement(arguments);
        }
        var directory = PatchDirectory.Of(arguments, context);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var property in arguments.EnumerateObject())
            {
                if (property.Name != DirectoryProperty)
                {
                    property.WriteTo(json);
                }
            }
            if (directory is not null)
            {
                json.WriteString(DirectoryProperty, directory);
            }
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }

    /// <summary>
    /// "Always" allows later patches whose files all lie in the same directory or below (<c>src/app/**</c>). The generic
    /// rule cannot: every patch starts "*** Begin Patch", which derives <c>*** **</c> and matches almost any patch. The
    /// root's <c>./**</c> matches only patches spanning the root too; no directory gives <c>""</c>, which no view has.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, string>>? AlwaysRule(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var directory = PatchDirectory.Of(arguments, context);
        return [new(DirectoryProperty, directory is null ? "" : directory + "**")];
    }

    private static async Task<(PatchChange? Change, string? Error)> PlanAsync(
        ToolContext context, PatchOperation operation, string fullPath, CancellationToken cancellationToken)
    {
        var path = operation.Path;
        if (operation.Kind == PatchOperationKind.Add)
        {
            return File.Exists(fullPath) || Directory.Exists(fullPath)
                ? (null, $"{path} already exists")
                : (new PatchChange(operation, fullPath, PatchText.NewFile(operation.AddedLines), null), null);
        }

        var verb = operation.Kind == PatchOperationKind.Delete ? "deleted" : "updated";
        if (Directory.Exists(fullPath))
        {
            return (null, $"{path} is a directory");
        }
        if (!File.Exists(fullPath))
        {
            return (null, $"File not found: {path}");
        }
        if (!context.ReadFiles.TryGetValue(fullPath, out var readTime))
        {
            return (null, $"{path} must be read before it is {verb}");
        }
        byte[] original;
        try
        {
            if (File.GetLastWriteTimeUtc(fullPath) != readTime)
            {
                return (null, $"{path} changed since it was read");
            }
            original = await File.ReadAllBytesAsync(fullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"Cannot read {path}: {e.Message}");
        }
        if (operation.Kind == PatchOperationKind.Delete)
        {
            return (new PatchChange(operation, fullPath, null, original), null);
        }

        if (PatchText.TryParse(original) is not { } text)
        {
            return (null, $"Cannot patch {path}: it is not UTF-8 text");
        }
        if (PatchHunkMatcher.Apply(text.Lines, operation.Hunks, path) is { } hunkError)
        {
            return (null, hunkError);
        }
        return (new PatchChange(operation, fullPath, text.ToBytes(), original), null);
    }
}

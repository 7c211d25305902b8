using System.Text.Json;

namespace Gateway.Tools.BuiltIn;

/// <summary>The workspace directory a patch works in, as <see cref="PatchTool"/>'s permission hooks show it to rules (SPEC §6).</summary>
internal static class PatchDirectory
{
    /// <summary>
    /// The deepest workspace-relative directory holding every file the patch in <paramref name="arguments"/> touches,
    /// with a trailing "/" (<c>"src/app/"</c>; <c>"./"</c> for the root); null when the patch does not parse or
    /// touches a path outside the workspace.
    /// </summary>
    public static string? Of(JsonElement arguments, ToolContext context)
    {
        if (!arguments.TryGetProperty("patch", out var patch) || patch.ValueKind != JsonValueKind.String
            || !PatchParser.TryParse(patch.GetString(), out var operations, out _))
        {
            return null;
        }
        string[]? common = null;
        foreach (var operation in operations)
        {
            if (!WorkspacePaths.TryResolve(context, operation.Path, out var fullPath, out _))
            {
                return null;
            }
            var relative = WorkspacePaths.ToRelative(context, fullPath);
            if (relative == ".")
            {
                return null; // the workspace root itself is not a file a patch can touch
            }
            var parent = relative.Split('/')[..^1];
            common = common is null ? parent : parent.Take(CommonPrefixLength(common, parent)).ToArray();
        }
        return common is null || common.Length == 0 ? "./" : string.Join('/', common) + "/";
    }

    private static int CommonPrefixLength(string[] left, string[] right)
    {
        var length = 0;
        while (length < left.Length && length < right.Length && left[length] == right[length])
        {
            length++;
        }
        return length;
    }
}

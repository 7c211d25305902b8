using System.Diagnostics.CodeAnalysis;

namespace Gateway.Tools.BuiltIn;

/// <summary>Confines tool path arguments to <see cref="ToolContext.WorkspaceRoot"/> (issue 4: after resolving <c>..</c> and symbolic links).</summary>
/// <remarks>
/// Invariant: a path handed out by <see cref="TryResolve"/> is absolute, contains no <c>.</c>, <c>..</c> or
/// symbolic link in any existing component, and lies inside the resolved workspace root, so a tool that
/// opens exactly that path cannot leave the workspace through a link. A file that does not exist yet is
/// resolved through its nearest existing parent. (A link swapped in between the check and the open is not
/// guarded against: the agent runs its commands in the same workspace anyway.)
/// </remarks>
public static class WorkspacePaths
{
    /// <summary>The kernel's own limit (Linux MAXSYMLINKS); more means a loop.</summary>
    private const int MaxLinkHops = 40;

    /// <summary>
    /// Resolves <paramref name="path"/> (relative to the workspace, or absolute) to a full path inside the
    /// workspace; otherwise <paramref name="error"/> is the message for the tool's error result.
    /// </summary>
    public static bool TryResolve(
        ToolContext context,
        string? path,
        [NotNullWhen(true)] out string? fullPath,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(context);
        fullPath = null;
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            error = "Path must be a non-empty file path";
            return false;
        }
        if (ResolvedRoot(context) is not { } root)
        {
            error = $"Workspace root cannot be resolved: {context.WorkspaceRoot}";
            return false;
        }
        var resolved = Resolve(Path.IsPathRooted(path) ? path : Path.Join(root, path));
        if (resolved is null)
        {
            error = $"Too many levels of symbolic links: {path}";
            return false;
        }
        if (!IsInside(root, resolved))
        {
            error = $"Path is outside the workspace: {path}";
            return false;
        }
        fullPath = resolved;
        error = null;
        return true;
    }

    /// <summary>
    /// <paramref name="fullPath"/> (from <see cref="TryResolve"/>) relative to the resolved workspace root,
    /// with "/" separators; "." for the root itself.
    /// </summary>
    public static string ToRelative(ToolContext context, string fullPath)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = ResolvedRoot(context) ?? Path.GetFullPath(context.WorkspaceRoot);
        return Path.GetRelativePath(root, fullPath).Replace(Path.DirectorySeparatorChar, '/');
    }

    private static string? ResolvedRoot(ToolContext context) => Resolve(Path.GetFullPath(context.WorkspaceRoot));

    private static bool IsInside(string root, string path) =>
        path == root
        || (path.StartsWith(root, StringComparison.Ordinal)
            && (root.EndsWith('/') || path[root.Length] == '/'));

    /// <summary>
    /// realpath(3) that tolerates missing components: walks the absolute path one component at a time,
    /// replacing each symbolic link by its target before going on, so <c>link/..</c> means the parent of the
    /// link's target as the kernel sees it. Missing components are kept as they are. Null on a link loop.
    /// </summary>
    private static string? Resolve(string absolutePath)
    {
        var pending = new Stack<string>();
        PushComponents(pending, absolutePath);
        var current = "/";
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var candidate = Path.Join(current, part);
            if (LinkTarget(candidate) is not { } target)
            {
                current = candidate;
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                return null;
            }
            // The target replaces this component: absolute targets restart at "/", relative ones continue
            // from the directory holding the link.
            if (Path.IsPathRooted(target))
            {
                current = "/";
            }
            PushComponents(pending, target);
        }
        return current;
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    /// <summary>The target of the symbolic link at <paramref name="path"/>; null when it is not a link or does not exist.</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: treated as a plain component; opening it will report the real error.
            return null;
        }
    }
}

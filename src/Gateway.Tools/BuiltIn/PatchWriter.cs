namespace Gateway.Tools.BuiltIn;

/// <summary>Writes validated patch changes, undoing the earlier ones when a later write fails (all or none, SPEC §7).</summary>
internal static class PatchWriter
{
    /// <summary>Null on success; otherwise the error, after rolling back what was written.</summary>
    /// <param name="owner">The sandbox's uid, given what the patch creates so that sandboxed <c>bash</c> can change it too; null: the gateway's.</param>
    /// <remarks>
    /// Writes are synchronous and not cancellable on purpose: they are small and a patch stopped half way
    /// would break the all-or-none promise. Rollback is best effort (an undo can fail too) and says so.
    /// </remarks>
    public static string? Commit(IReadOnlyList<PatchChange> changes, int? owner)
    {
        var undo = new Stack<Action>();
        foreach (var change in changes)
        {
            try
            {
                Write(change, owner, undo);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var restored = RollBack(undo);
                return $"Cannot write {change.Operation.Path}: {e.Message}; "
                    + (restored ? "no file was changed" : "some earlier changes could not be undone");
            }
        }
        return null;
    }

    private static void Write(PatchChange change, int? owner, Stack<Action> undo)
    {
        var fullPath = change.FullPath;
        switch (change.Operation.Kind)
        {
            case PatchOperationKind.Add:
                var directory = Path.GetDirectoryName(fullPath)!;
                var firstCreated = FirstMissingDirectory(directory);
                Directory.CreateDirectory(directory);
                if (firstCreated is not null)
                {
                    undo.Push(() => Directory.Delete(firstCreated, recursive: true));
                }
                // CreateNew: a file that appeared since validation is not overwritten.
                using (var stream = new FileStream(fullPath, FileMode.CreateNew, FileAccess.Write))
                {
                    undo.Push(() => File.Delete(fullPath));
                    stream.Write(change.NewContent);
                }
                if (owner is { } user)
                {
                    GiveCreated(fullPath, firstCreated, user);
                }
                break;
            case PatchOperationKind.Delete:
                var deletedWriteTime = File.GetLastWriteTimeUtc(fullPath);
                File.Delete(fullPath);
                undo.Push(() => Restore(fullPath, change.OriginalContent!, deletedWriteTime));
                break;
            default:
                var writeTime = File.GetLastWriteTimeUtc(fullPath);
                undo.Push(() => Restore(fullPath, change.OriginalContent!, writeTime));
                File.WriteAllBytes(fullPath, change.NewContent!);
                break;
        }
    }

    /// <summary>Puts the old content back with its old write time, so the session's earlier read of it still counts.</summary>
    private static void Restore(string fullPath, byte[] content, DateTime lastWriteUtc)
    {
        File.WriteAllBytes(fullPath, content);
        File.SetLastWriteTimeUtc(fullPath, lastWriteUtc);
    }

    /// <summary>Gives <paramref name="file"/> and the directories created for it (from <paramref name="firstCreated"/> down) to <paramref name="user"/>.</summary>
    private static void GiveCreated(string file, string? firstCreated, int user)
    {
        Posix.Chown(file, user);
        for (var directory = Path.GetDirectoryName(file); firstCreated is not null && directory is not null; directory = Path.GetDirectoryName(directory))
        {
            Posix.Chown(directory, user);
            if (directory == firstCreated)
            {
                break;
            }
        }
    }

    /// <summary>The outermost directory that creating <paramref name="directory"/> would create; null when it exists.</summary>
    private static string? FirstMissingDirectory(string directory)
    {
        string? missing = null;
        for (var current = directory; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing = current;
        }
        return missing;
    }

    private static bool RollBack(Stack<Action> undo)
    {
        var restored = true;
        while (undo.TryPop(out var action))
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                restored = false;
            }
        }
        return restored;
    }
}

using Gateway.Server.Diagnostics;

namespace Gateway.Server.Agents;

/// <summary>
/// WORKSPACE_MODE=session's directories under WORKSPACE_ROOT: each made owner-only for its session and removed after it;
/// those an earlier run left behind (a crash, kill -9) removed at start-up, but never while another gateway uses the root.
/// </summary>
/// <remarks>
/// Every gateway in session mode holds <see cref="LockFileName"/> shared while it runs; the start-up sweep needs it alone,
/// so it runs only when no other gateway is live on the root. The lock is flock(2), which .NET takes for a
/// <see cref="FileStream"/> (exclusive for <see cref="FileShare.None"/>, else shared; never blocking).
/// </remarks>
internal sealed class SessionWorkspaces : IDisposable
{
    /// <summary>Kept in WORKSPACE_ROOT for good: removing a lock file would let two gateways lock two different files.</summary>
    public const string LockFileName = ".gateway-session-workspaces.lock";

    /// <summary>EWOULDBLOCK, the errno .NET reports (as the HResult) when another open file holds a conflicting flock.</summary>
    private const int LockConflict = 11;

    /// <summary>How long to wait for another gateway's start-up sweep to let go of the lock.</summary>
    private static readonly TimeSpan s_lockPatience = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_lockRetry = TimeSpan.FromMilliseconds(50);

    private readonly FileStream? _shared;

    private SessionWorkspaces(FileStream? shared) => _shared = shared;

    /// <summary>Sweeps WORKSPACE_ROOT when no other gateway uses it (and WORKSPACE_KEEP is off), then holds the root shared.</summary>
    public static SessionWorkspaces Open(AgentOptions options, GatewayLog log)
    {
        var lockPath = Path.Join(options.WorkspaceRoot, LockFileName);
        try
        {
            if (options.KeepWorkspaces)
            {
                log.Info("WORKSPACE_KEEP: session directories left in WORKSPACE_ROOT by earlier runs are kept.");
            }
            else if (TryLock(lockPath, FileShare.None) is { } alone)
            {
                using (alone)
                {
                    RemoveLeftovers(options.WorkspaceRoot, log);
                }
            }
            else
            {
                log.Info("Another gateway uses WORKSPACE_ROOT: session directories there are left alone.");
            }
            return new SessionWorkspaces(HoldShared(lockPath, log));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // WORKSPACE_ROOT is gone or read-only: each session is then refused with its own error line.
            log.Warning($"Cannot lock {lockPath}: session directories left by earlier runs are not removed.", e);
            return new SessionWorkspaces(null);
        }
    }

    /// <summary>A session's directory, readable by its owner only (whom the sandbox may make the sandbox's user).</summary>
    public static void Create(string path)
    {
        // The gateway runs on Linux; this is the guard the platform analyzer (CA1416) understands.
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _shared?.Dispose();

    /// <summary>The lock, or null while another gateway holds it in a conflicting way.</summary>
    private static FileStream? TryLock(string path, FileShare share)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, share);
        }
        catch (IOException e) when (e.HResult == LockConflict)
        {
            return null;
        }
    }

    /// <summary>The shared lock, once no other gateway's start-up sweep holds it alone (bounded).</summary>
    private static FileStream? HoldShared(string path, GatewayLog log)
    {
        var deadline = Environment.TickCount64 + (long)s_lockPatience.TotalMilliseconds;
        FileStream? shared;
        while ((shared = TryLock(path, FileShare.ReadWrite)) is null && Environment.TickCount64 < deadline)
        {
            // flock through FileStream never blocks, and only a sweep holds the lock alone, for as long as it runs.
            Thread.Sleep(s_lockRetry);
        }
        if (shared is null)
        {
            log.Warning($"Cannot hold {path}: a gateway that starts on the same WORKSPACE_ROOT may remove this one's session directories.");
        }
        return shared;
    }

    /// <summary>Removes the directories named as sessions are (<see cref="Ids.IsId"/>) and nothing else; links are not followed.</summary>
    private static void RemoveLeftovers(string root, GatewayLog log)
    {
        var removed = 0;
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos().ToList())
        {
            if (!Ids.IsId(entry.Name) || (entry.Attributes & (FileAttributes.Directory | FileAttributes.ReparsePoint)) != FileAttributes.Directory)
            {
                continue;
            }
            try
            {
                Directory.Delete(entry.FullName, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var line = log.Line(LogLevel.Warning, "Cannot remove a session directory left by an earlier run.");
                line.Add("path"u8, entry.FullName);
                line.Write(e);
            }
        }
        if (removed > 0)
        {
            var line = log.Line(LogLevel.Info, "Removed session directories left in WORKSPACE_ROOT by an earlier run.");
            line.Add("count"u8, removed);
            line.Write();
        }
    }
}

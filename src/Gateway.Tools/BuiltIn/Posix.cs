using System.Runtime.InteropServices;

namespace Gateway.Tools.BuiltIn;

/// <summary>The few libc calls .NET has no managed API for.</summary>
/// <remarks>
/// DllImport rather than LibraryImport: LibraryImport's generated stub needs AllowUnsafeBlocks, which this project
/// does not enable (STYLE.md §1). Native AOT pre-generates the one string marshaller (UTF-8 on Unix) at compile time.
/// </remarks>
#pragma warning disable SYSLIB1054, IDE1006, CA2101 // the libc names are the point; Unix marshals strings as UTF-8
internal static class Posix
{
    public const int SigKill = 9;

    /// <summary>kill(2); <paramref name="pid"/> below zero names a process group.</summary>
    [DllImport("libc")]
    public static extern int kill(int pid, int sig);

    /// <summary>geteuid(2): 0 when the gateway runs as root.</summary>
    [DllImport("libc")]
    public static extern uint geteuid();

    /// <summary>lchown(2): a link itself changes owner, never what it points to.</summary>
    [DllImport("libc", SetLastError = true)]
    public static extern int lchown(string path, uint owner, uint group);

    /// <summary>Gives <paramref name="path"/> (not a link's target) to <paramref name="user"/> and the group of the same number.</summary>
    /// <exception cref="IOException">lchown failed.</exception>
    public static void Chown(string path, int user)
    {
        if (lchown(path, (uint)user, (uint)user) != 0)
        {
            throw new IOException($"Cannot give {path} to uid {user}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }
}
#pragma warning restore SYSLIB1054, IDE1006, CA2101

using System.Runtime.InteropServices;

namespace Gateway.Tools.BuiltIn;

/// <summary>The few libc calls .NET has no managed API for.</summary>
/// <remarks>LibraryImport: the marshalling stubs are generated at compile time, so Native AOT needs no runtime stubs.</remarks>
internal static partial class Posix
{
    public const int SigKill = 9;

    /// <summary>kill(2); <paramref name="pid"/> below zero names a process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill")]
    public static partial int Kill(int pid, int signal);

    /// <summary>geteuid(2): 0 when the gateway runs as root.</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint EffectiveUserId();

    /// <summary>Gives <paramref name="path"/> (not a link's target) to <paramref name="user"/> and the group of the same number.</summary>
    /// <exception cref="IOException">lchown failed.</exception>
    public static void Chown(string path, int user)
    {
        if (LinkChown(path, (uint)user, (uint)user) != 0)
        {
            throw new IOException($"Cannot give {path} to uid {user}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>lchown(2): a link itself changes owner, never what it points to.</summary>
    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkChown(string path, uint owner, uint group);
}

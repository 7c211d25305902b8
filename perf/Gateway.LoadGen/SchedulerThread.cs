using System.Runtime.InteropServices;

namespace Gateway.LoadGen;

/// <summary>
/// What the open-loop scheduler thread asks of Linux so that requests leave on time. <see cref="Thread.Sleep(int)"/>
/// has a 1 ms floor and spinning would take one of the machine's two cores from the server under test, so it sleeps
/// with usleep(3) under a 1 µs timer slack (prctl PR_SET_TIMERSLACK; the default 50 µs would make every wake late).
/// On a shared machine a waking thread can also wait several ms for a core: the thread's nice value is lowered to
/// -10 (setpriority on its tid; .NET's Thread.Priority does nothing on Linux). Both are best effort, per thread.
/// </summary>
internal static class SchedulerThread
{
    private const int PrSetTimerSlack = 29;
    private const int PrioProcess = 0;

    public static void Tune()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(PrSetTimerSlack, 1000, 0, 0, 0);
            _ = SetPriority(PrioProcess, GetTid(), -10); // Fails harmlessly without CAP_SYS_NICE.
        }
    }

    public static void SleepMicroseconds(long microseconds)
    {
        if (microseconds <= 0)
        {
            return;
        }
        if (OperatingSystem.IsLinux())
        {
            _ = USleep((uint)Math.Min(microseconds, 1_000_000));
        }
        else
        {
            Thread.Sleep((int)Math.Max(1, microseconds / 1000));
        }
    }

    // DllImport, not LibraryImport: the signatures are blittable, so no marshalling stub is needed, and LibraryImport
    // would require AllowUnsafeBlocks for the whole project.
    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int USleep(uint microseconds);

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);
}

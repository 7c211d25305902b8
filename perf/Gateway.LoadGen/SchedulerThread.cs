using System.Runtime.InteropServices;

namespace Gateway.LoadGen;

/// <summary>
/// Sub-millisecond sleeps for the open-loop scheduler. <see cref="Thread.Sleep(int)"/> has a 1 ms floor, and
/// spinning instead would take one of the machine's two cores from the server under test. usleep(3) wakes within
/// the thread's timer slack, 50 µs by default on Linux; <see cref="TightenTimerSlack"/> lowers it to 1 µs for the
/// calling thread (prctl PR_SET_TIMERSLACK), so a sleep ends within a few µs of its due time.
/// </summary>
internal static class PreciseSleep
{
    private const int PrSetTimerSlack = 29;

    public static void TightenTimerSlack()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(PrSetTimerSlack, 1000, 0, 0, 0);
        }
    }

    public static void Microseconds(long microseconds)
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
}

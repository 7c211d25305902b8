using System.Runtime.InteropServices;

namespace Gateway.Server.Diagnostics;

/// <summary>
/// On SIGUSR1, one log line with the bytes this process has allocated since it started and the GC's collection
/// counts: the performance lab reads it before and after a load to get bytes allocated per session (perf/README.md).
/// </summary>
internal static class AllocationSignal
{
    // PosixSignal names only the portable signals; a raw number cast to it registers any other (SIGUSR1 is 10 on Linux).
    private const PosixSignal UserSignal1 = (PosixSignal)10;

    public static PosixSignalRegistration Register(GatewayLog log) => PosixSignalRegistration.Create(UserSignal1, context =>
    {
        context.Cancel = true; // SIGUSR1's default action ends the process.
        log.Info(Line());
    });

    public static string Line() =>
        $"Allocated: {GC.GetTotalAllocatedBytes(precise: true)} bytes since start; GC collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}.";
}

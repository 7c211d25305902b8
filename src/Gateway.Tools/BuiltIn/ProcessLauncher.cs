using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gateway.Tools.BuiltIn;

/// <summary>Starts every <c>bash</c> process and MCP server from one thread that lives as long as the gateway.</summary>
/// <remarks>
/// bwrap's --die-with-parent is PR_SET_PDEATHSIG, which fires when the THREAD that forked it ends (prctl(2)), and .NET
/// forks in the calling thread: a retiring thread-pool thread would SIGKILL a running command (seen: exit code 137) or a server that runs for hours.
/// </remarks>
internal static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> s_requests = [];

    static ProcessLauncher()
    {
        // A background thread: it must not keep the process alive at exit.
        new Thread(Run) { IsBackground = true, Name = "process launcher" }.Start();
    }

    /// <summary>Starts <paramref name="info"/> on the launcher thread; faults with what <see cref="Process.Start(ProcessStartInfo)"/> threw.</summary>
    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_requests.Add((info, started));
        return started.Task;
    }

    private static void Run()
    {
        foreach (var (info, started) in s_requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException("The process did not start."));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }
}

using System.Diagnostics;

namespace Gateway.Tools.BuiltIn;

/// <summary>What contains each <c>bash</c> call under BASH_SANDBOX=bwrap (issue 14; docs/security.md, "bash sandbox").</summary>
/// <remarks>
/// The limits are setrlimit(2)'s, set by prlimit(1) before bwrap: RLIMIT_NPROC counts every process of the host uid,
/// so it holds only for a uid of the sandbox's own (<see cref="UserBase"/>); the kernel ignores it for root.
/// </remarks>
public sealed class BashSandbox
{
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Stack<int> _freeUsers = new();
    private int _nextUser = 1;

    /// <summary>Commands reach the host's network (BASH_NETWORK); otherwise only their own loopback.</summary>
    public bool Network { get; init; }

    /// <summary>RLIMIT_NPROC: processes (and threads) of the sandbox's uid at once (BASH_MAX_PROCESSES).</summary>
    public int MaxProcesses { get; init; } = 256;

    /// <summary>RLIMIT_AS of each process, in MiB (BASH_MAX_MEMORY_MB).</summary>
    public int MaxMemoryMegabytes { get; init; } = 4096;

    /// <summary>RLIMIT_CPU of each process, in seconds (BASH_CPU_SECONDS).</summary>
    public int CpuSeconds { get; init; } = 600;

    /// <summary>
    /// When the gateway is root: the unprivileged host uid commands run as in a shared workspace; a session's own
    /// directory gets one of the uids just above it while the session lives (BASH_UID_BASE). Null: the gateway's own uid.
    /// </summary>
    public int? UserBase { get; init; }

    /// <summary>Whether the gateway runs as root, so that commands must be moved to a uid of their own.</summary>
    public static bool GatewayIsRoot => Posix.EffectiveUserId() == 0;

    /// <summary>A uid for a session's own directory, not held by another live session; give it back with <see cref="ReturnUser"/>.</summary>
    internal int? RentUser()
    {
        if (UserBase is not { } userBase)
        {
            return null;
        }
        lock (_gate)
        {
            return userBase + (_freeUsers.TryPop(out var offset) ? offset : _nextUser++);
        }
    }

    internal void ReturnUser(int user)
    {
        lock (_gate)
        {
            _freeUsers.Push(user - UserBase!.Value);
        }
    }

    /// <summary>A trial run of <paramref name="command"/> in the sandbox over a shared <paramref name="workspace"/>, within 10 s: null when it exits 0, else why not.</summary>
    public async Task<string?> TryRunAsync(string workspace, string command)
    {
        var context = new ToolContext(workspace, this);
        Process process;
        try
        {
            process = await ProcessGroup.StartAsync(BwrapCommand.Arguments(context, command, Environment.GetEnvironmentVariable), workspace).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"cannot start setsid: {e.Message}";
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(ProbeLimit);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                return $"bwrap did not finish within {ProbeLimit.TotalSeconds} s";
            }
            return process.ExitCode == 0 ? null : $"exit code {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}";
        }
    }
}

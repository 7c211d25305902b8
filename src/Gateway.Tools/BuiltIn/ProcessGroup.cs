using System.Diagnostics;
using System.Globalization;

namespace Gateway.Tools.BuiltIn;

/// <summary>Starts a shell command as the leader of its own process group and kills that whole group (SPEC §7 <c>bash</c>).</summary>
/// <remarks>
/// Why a group: <c>sh -c "yes | sed ''"</c> or <c>sleep 100 &amp; echo hi</c> leaves processes that are
/// not the shell itself. <see cref="Process.Kill(bool)"/> walks the tree of live parents only, so it
/// misses a background job whose shell already exited (it is reparented to init). Every process the
/// command starts stays in the group unless it calls setsid itself, so one <c>kill(-pgid, SIGKILL)</c>
/// reaches them all.
/// <para>
/// How the group is made: .NET cannot run code between fork and exec, so the child cannot call
/// <c>setpgid</c> on itself. util-linux <c>setsid</c> does it for us: a child of this process is never a
/// group leader, so <c>setsid</c> calls setsid(2) and execs the rest in place (sh, or the sandbox's chain of execs): the pid we hold is the
/// session and group id. A new session also detaches the command from any controlling terminal.
/// </para>
/// </remarks>
internal static class ProcessGroup
{
    /// <summary>
    /// Starts <c>setsid</c> <paramref name="arguments"/> (<c>sh -c command</c>, or the sandbox's command line ending in it) in
    /// <paramref name="workingDirectory"/> with stdin at EOF and stdout/stderr piped, from <see cref="ProcessLauncher"/>'s thread.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">setsid cannot be started.</exception>
    public static async Task<Process> StartAsync(IEnumerable<string> arguments, string workingDirectory)
    {
        var process = await StartWithInputAsync(arguments, workingDirectory, environment: null).ConfigureAwait(false);
        // A command that reads stdin (cat, read) gets EOF instead of waiting for input that never comes.
        process.StandardInput.Close();
        return process;
    }

    /// <summary>As <see cref="StartAsync"/>, with stdin left open for the caller, and only <paramref name="environment"/> when given.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">setsid cannot be started.</exception>
    public static Task<Process> StartWithInputAsync(
        IEnumerable<string> arguments, string workingDirectory, IEnumerable<KeyValuePair<string, string>>? environment)
    {
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        if (environment is not null)
        {
            info.Environment.Clear();
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }
        return ProcessLauncher.StartAsync(info);
    }

    /// <summary>How often the group is killed again while a member is still alive.</summary>
    private static readonly TimeSpan KillRetryInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>How long to keep killing before giving up on a group whose members will not die (stuck in uninterruptible sleep).</summary>
    private static readonly TimeSpan KillLimit = TimeSpan.FromSeconds(1);

    /// <summary>Sends SIGKILL to every process in the group led by <paramref name="groupId"/> until none is alive, within <see cref="KillLimit"/>.</summary>
    /// <remarks>
    /// Issue 14: ending a call must leave nothing behind, so one signal is not trusted to reach a group
    /// that is forking. Zombies do not count: a killed orphan waits for init to reap it. Only called while
    /// the group still has members: Linux does not reuse a pid still in use as a group id.
    /// </remarks>
    public static async Task KillAsync(int groupId)
    {
        var started = Stopwatch.GetTimestamp();
        while (Posix.Kill(-groupId, Posix.SigKill) == 0 && HasLiveMember(groupId) && Stopwatch.GetElapsedTime(started) < KillLimit)
        {
            await Task.Delay(KillRetryInterval).ConfigureAwait(false);
        }
    }

    /// <summary>True when a process of group <paramref name="groupId"/> is not a zombie, from <c>/proc/[pid]/stat</c> (proc(5): state, ppid, pgrp follow the name).</summary>
    private static bool HasLiveMember(int groupId)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // ended while /proc was listed
            }
            // The name (field 2) is in parentheses and may hold spaces or ')'; the fields after the last ')' are "state ppid pgrp ...".
            var fields = stat.AsSpan(stat.LastIndexOf(')') + 2);
            var state = fields[0];
            fields = fields[(fields.IndexOf(' ') + 1)..];
            fields = fields[(fields.IndexOf(' ') + 1)..];
            var pgrp = fields[..fields.IndexOf(' ')];
            // pgrp is a signed %d (proc(5)): a FormatException for "-1" failed an MCP test once (issue 18).
            if (state != 'Z' && int.Parse(pgrp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) == groupId)
            {
                return true;
            }
        }
        return false;
    }
}

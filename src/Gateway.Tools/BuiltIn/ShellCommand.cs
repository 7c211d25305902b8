using System.ComponentModel;
using System.Diagnostics;

namespace Gateway.Tools.BuiltIn;

/// <summary>
/// One <c>sh -c</c> command in its own process group, in the context's sandbox if it has one: what <c>bash</c> (SPEC §7)
/// and RLM's <c>exec</c> (SPEC §8) run. Each stream is kept up to 64 KiB; at the timeout or cancellation the whole group dies.
/// </summary>
public static class ShellCommand
{
    /// <summary>Bytes kept per stream (issue 4: "say 64 KiB, with a truncation note").</summary>
    private const int OutputCap = 64 * 1024;

    /// <summary>How long pipes may stay open after the shell exited (a background job holding them) before the group is killed.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for EOF after SIGKILL. Killed processes close their pipes at once; only one that escaped the group could hold them longer, and it is not waited for.</summary>
    private static readonly TimeSpan DrainAfterKill = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs <paramref name="command"/> in <paramref name="workingDirectory"/>, reporting its output to <paramref name="progress"/> as it arrives.</summary>
    /// <param name="workingDirectory">An existing directory; under a sandbox, inside the workspace (only the workspace is bound).</param>
    /// <exception cref="ShellStartException">The shell could not be started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the call; the group was killed first.</exception>
    public static async Task<ShellResult> RunAsync(
        ToolContext context, string command, string workingDirectory, double timeoutSeconds, IToolProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(progress);
        Process process;
        try
        {
            var arguments = context.Sandbox is null
                ? ["sh", "-c", command]
                : BwrapCommand.Arguments(context, command, Environment.GetEnvironmentVariable, workingDirectory);
            process = await ProcessGroup.StartAsync(arguments, workingDirectory).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            throw new ShellStartException($"Could not start sh through setsid: {e.Message}", e);
        }

        using (process)
        {
            return await RunStartedAsync(process, timeoutSeconds, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<ShellResult> RunStartedAsync(Process process, double timeout, IToolProgress progress, CancellationToken cancellationToken)
    {
        var groupId = process.Id;
        var stdout = new BashOutputCapture(ToolOutputStream.Stdout, OutputCap, progress);
        var stderr = new BashOutputCapture(ToolOutputStream.Stderr, OutputCap, progress);
        using var stopReading = new CancellationTokenSource();
        // Both pipes are drained concurrently: a command that fills one while we block on the other would deadlock.
        var readers = Task.WhenAll(
            stdout.ReadAsync(process.StandardOutput.BaseStream, stopReading.Token),
            stderr.ReadAsync(process.StandardError.BaseStream, stopReading.Token));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeout));
        using var waitEnd = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var killed = false;
        try
        {
            try
            {
                await process.WaitForExitAsync(waitEnd.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Timeout or session cancellation: the whole group goes, not just sh (SPEC §7, §6 disconnect).
                killed = true;
                await ProcessGroup.KillAsync(groupId).ConfigureAwait(false);
                await CompletesWithinAsync(readers, DrainAfterKill, CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return ShellResult.Killed;
            }

            // sh exited, but a background job (`sleep 100 & echo hi`) may still hold the pipes open. Give it
            // a moment to finish, then kill what is left of the group so the call returns within the bound.
            // A job that closed or redirected its output (`srv >log 2>&1 &`) does not hold the pipes and is
            // left running: the command asked for it.
            if (!await CompletesWithinAsync(readers, ExitGrace, cancellationToken).ConfigureAwait(false))
            {
                killed = true;
                await ProcessGroup.KillAsync(groupId).ConfigureAwait(false);
                await CompletesWithinAsync(readers, DrainAfterKill, CancellationToken.None).ConfigureAwait(false);
            }
            return new ShellResult(process.ExitCode, stdout.ToText(), stderr.ToText(), TimedOut: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (!killed)
            {
                await ProcessGroup.KillAsync(groupId).ConfigureAwait(false);
            }
            throw;
        }
        finally
        {
            // A reader still blocked (a process that escaped the group holds the pipe) is abandoned; disposing
            // the process then closes our ends of the pipes.
            stopReading.Cancel();
        }
    }

    /// <summary>True when <paramref name="task"/> finished within <paramref name="limit"/>; throws only for <paramref name="cancellationToken"/>.</summary>
    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

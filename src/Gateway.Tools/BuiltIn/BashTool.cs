using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Gateway.Tools.BuiltIn;

/// <summary>The built-in <c>bash</c> tool (SPEC §7): <c>sh -c</c> in the workspace, in its own process group.</summary>
public static class BashTool
{
    public const string Name = "bash";

    /// <summary>Bytes kept per stream (issue 4: "say 64 KiB, with a truncation note").</summary>
    internal const int OutputCap = 64 * 1024;

    private const double MinTimeout = 0;
    private const double MaxTimeout = 600;

    /// <summary>How long pipes may stay open after the shell exited (a background job holding them) before the group is killed.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for EOF after SIGKILL. Killed processes close their pipes at once; only one that escaped the group could hold them longer, and it is not waited for.</summary>
    private static readonly TimeSpan DrainAfterKill = TimeSpan.FromMilliseconds(500);

    [Tool(Name, "Runs a shell command with sh -c in the workspace directory and returns its stdout, stderr and exit code. "
        + "Each stream is cut at 64 KiB. When the timeout expires the command and every process it started are killed.",
        AlwaysRule = nameof(AlwaysRule))]
    public static async ValueTask<ToolResult> RunAsync(
        ToolContext context,
        IToolProgress progress,
        [ToolParameter("The command line to run with sh -c")] string command,
        [ToolParameter("Seconds before the command is killed; fractions allowed", Minimum = MinTimeout, Maximum = MaxTimeout)] double timeout = 5,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(progress);
        cancellationToken.ThrowIfCancellationRequested();
        // The generated binder enforces the schema; these guard direct callers.
        if (string.IsNullOrWhiteSpace(command))
        {
            return ToolResult.Failure("command must not be empty");
        }
        if (timeout is < MinTimeout or > MaxTimeout)
        {
            return ToolResult.Failure(string.Create(CultureInfo.InvariantCulture, $"timeout must be between {MinTimeout} and {MaxTimeout} seconds"));
        }
        if (!Directory.Exists(context.WorkspaceRoot))
        {
            return ToolResult.Failure($"Workspace directory does not exist: {context.WorkspaceRoot}");
        }

        Process process;
        try
        {
            var arguments = context.Sandbox is null ? ["sh", "-c", command] : BwrapCommand.Arguments(context, command, Environment.GetEnvironmentVariable);
            process = await ProcessGroup.StartAsync(arguments, context.WorkspaceRoot).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            return ToolResult.Failure($"Could not start sh through setsid: {e.Message}");
        }

        using (process)
        {
            return await RunStartedAsync(process, timeout, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>"Always" keeps only <c>command</c>, derived the SPEC §6 way (<c>git status</c> → <c>git **</c>); the generic rule would also pin <c>timeout</c>.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>>? AlwaysRule(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("command", out var command)
            ? [new("command", ToolPermissions.FirstWordGlob(ToolPermissions.StringForm(command)))]
            : null;
    }

    private static async Task<ToolResult> RunStartedAsync(Process process, double timeout, IToolProgress progress, CancellationToken cancellationToken)
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
                return TimedOut(timeout);
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
            return Completed(process.ExitCode, stdout.ToText(), stderr.ToText());
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

    /// <summary>SPEC §7: <c>stdout:\n&lt;out&gt;\n</c> (if any) + <c>stderr:\n&lt;err&gt;\n</c> (if any) + <c>exit code: &lt;n&gt;</c>.</summary>
    /// <remarks>The output goes in as captured, trailing newline included, exactly as the SPEC's template reads.</remarks>
    internal static ToolResult Completed(int exitCode, string stdout, string stderr)
    {
        var context = (stdout.Length > 0 ? $"stdout:\n{stdout}\n" : "")
            + (stderr.Length > 0 ? $"stderr:\n{stderr}\n" : "")
            + $"exit code: {exitCode}";
        return ToolResult.Success(context, ResultJson(exitCode, stdout, stderr));
    }

    /// <summary>SPEC §7: output of a killed command is not reported, only the timeout.</summary>
    internal static ToolResult TimedOut(double timeout) =>
        ToolResult.Success(string.Create(CultureInfo.InvariantCulture, $"Command timed out after {timeout} seconds"), ResultJson(-1, "", ""));

    private static RawJson ResultJson(int exitCode, string stdout, string stderr)
    {
        var buffer = new ArrayBufferWriter<byte>(stdout.Length + stderr.Length + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("exitCode"u8, exitCode);
            json.WriteString("stdout"u8, stdout);
            json.WriteString("stderr"u8, stderr);
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }
}

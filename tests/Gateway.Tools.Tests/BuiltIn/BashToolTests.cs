using System.Diagnostics;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>bash unconfined (BASH_SANDBOX=none: the context has no sandbox); <see cref="SandboxedBashToolTests"/> holds bwrap's.</summary>
public sealed class BashToolTests : IDisposable
{
    /// <summary>SPEC/issue 4: a command returns within its timeout plus this.</summary>
    private static readonly TimeSpan KillBound = TimeSpan.FromSeconds(2);

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task StdoutAndExitCodeAreFormattedPerSpec()
    {
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "echo hi");

        Assert.Null(result.Error);
        Assert.Equal("stdout:\nhi\n\nexit code: 0", result.Context);
        Assert.Equal("""{"exitCode":0,"stdout":"hi\n","stderr":""}""", result.Result.ToString());
    }

    [Fact]
    public async Task StderrAloneAndANonZeroExitCodeAreReported()
    {
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "echo oops >&2; exit 3");

        Assert.Equal("stderr:\noops\n\nexit code: 3", result.Context);
        Assert.Equal("""{"exitCode":3,"stdout":"","stderr":"oops\n"}""", result.Result.ToString());
    }

    [Fact]
    public async Task StdoutComesBeforeStderr()
    {
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "printf err >&2; printf out");

        Assert.Equal("stdout:\nout\nstderr:\nerr\nexit code: 0", result.Context);
    }

    [Fact]
    public async Task NoOutputGivesOnlyTheExitCode()
    {
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "true");

        Assert.Equal("exit code: 0", result.Context);
        Assert.Equal("""{"exitCode":0,"stdout":"","stderr":""}""", result.Result.ToString());
    }

    [Fact]
    public async Task RunsInTheWorkspaceDirectory()
    {
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "pwd -P");

        Assert.Equal($"stdout:\n{RealPath(_workspace.Root)}\n\nexit code: 0", result.Context);
    }

    [Fact]
    public async Task StdinIsAtEndOfFile()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "cat; echo done", timeout: 10);

        Assert.Equal("stdout:\ndone\n\nexit code: 0", result.Context);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task TimeoutIsReportedPerSpecWithinTheBound()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "echo partial; sleep 30", timeout: 1);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1) + KillBound, $"took {stopwatch.Elapsed}");
        Assert.Null(result.Error);
        Assert.Equal("Command timed out after 1 seconds", result.Context);
        Assert.Equal("""{"exitCode":-1,"stdout":"","stderr":""}""", result.Result.ToString());
    }

    [Fact]
    public async Task AFractionalTimeoutIsHonouredAndReportedAsGiven()
    {
        // SPEC §7: timeout is a number of seconds, not only a whole one.
        var stopwatch = Stopwatch.StartNew();
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "sleep 30", timeout: 0.25);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(0.25) + KillBound, $"took {stopwatch.Elapsed}");
        Assert.Equal(ToolResult.Success("Command timed out after 0.25 seconds", RawJson.Parse("""{"exitCode":-1,"stdout":"","stderr":""}""")), result);
    }

    [Fact]
    public async Task EndlessPipelineIsKilledWithinTheBound()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "yes | sed ''", timeout: 1);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1) + KillBound, $"took {stopwatch.Elapsed}");
        Assert.Equal("Command timed out after 1 seconds", result.Context);
    }

    [Fact]
    public async Task BackgroundJobHoldingThePipeDoesNotHoldTheCall()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "sleep 100 & echo $! > bg.pid; echo hi", timeout: 3);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3) + KillBound, $"took {stopwatch.Elapsed}");
        // The shell finished: its exit code and output are the result, not a timeout.
        Assert.Equal("stdout:\nhi\n\nexit code: 0", result.Context);
        await AssertProcessGoneAsync(ReadPid("bg.pid"));
    }

    [Fact]
    public async Task BackgroundJobThatRedirectedItsOutputIsLeftRunning()
    {
        // Only unconfined: in the sandbox the PID namespace ends with the shell (SandboxedBashToolTests.ABackgroundJobEndsWithTheCall).
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "sleep 100 >/dev/null 2>&1 & echo $! > bg.pid");

        Assert.Equal("exit code: 0", result.Context);
        var pid = ReadPid("bg.pid");
        try
        {
            Assert.True(IsRunning(pid), "a detached job that does not hold the pipes is the command's business");
        }
        finally
        {
            await BashTool.RunAsync(_workspace.Context, ToolProgress.None, $"kill -9 {pid}");
        }
    }

    [Fact]
    public async Task TimeoutKillsTheWholeProcessGroup()
    {
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "sleep 100 & echo $! > child.pid; wait", timeout: 1);

        Assert.Equal("Command timed out after 1 seconds", result.Context);
        await AssertProcessGoneAsync(ReadPid("child.pid"));
    }

    [Fact]
    public async Task ProcessesForkedWhileTheGroupIsKilledAreKilledToo()
    {
        // Issue 14: one SIGKILL to the group missed children forked during it, and a fork bomb outlived the
        // call. A bounded binary tree of shells (depth 9: 1,023 shells, each then running `sleep 60`) is still
        // forking on every branch when the timeout kills it.
        const string Spawner = "echo $$ > sh.pid; f() { if [ $1 -gt 0 ]; then f $(($1 - 1)) & f $(($1 - 1)) & fi; sleep 60; }; f 9";
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, Spawner, timeout: 0.5);
        var group = ReadPid("sh.pid");
        try
        {
            Assert.Equal("Command timed out after 0.5 seconds", result.Context);
            Assert.Empty(HostProcesses.MembersOf(group));
        }
        finally
        {
            await KillGroupAsync(group);
        }
    }

    [Fact]
    public async Task CancellationKillsTheGroupAndThrows()
    {
        using var cancellation = new CancellationTokenSource();
        var run = BashTool.RunAsync(_workspace.Context, ToolProgress.None, "sleep 100 & echo $! > child.pid; wait", timeout: 60, cancellation.Token).AsTask();
        var pidFile = _workspace.PathOf("child.pid");
        await WaitUntilAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), TimeSpan.FromSeconds(10));

        var stopwatch = Stopwatch.StartNew();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"cancellation took {stopwatch.Elapsed}");
        await AssertProcessGoneAsync(ReadPid("child.pid"));
    }

    [Fact]
    public async Task AlreadyCancelledTokenThrowsWithoutRunning()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => BashTool.RunAsync(_workspace.Context, ToolProgress.None, "touch ran", cancellationToken: new CancellationToken(true)).AsTask());

        Assert.False(File.Exists(_workspace.PathOf("ran")));
    }

    [Fact]
    public async Task EachStreamIsCappedAt64KiBWithANote()
    {
        var result = await BashTool.RunAsync(
            _workspace.Context, ToolProgress.None, "head -c 200000 /dev/zero | tr '\\0' a; head -c 70000 /dev/zero | tr '\\0' b >&2", timeout: 30);

        var stdout = new string('a', 65536) + "\n[stdout truncated: showing the first 65536 of 200000 bytes]";
        var stderr = new string('b', 65536) + "\n[stderr truncated: showing the first 65536 of 70000 bytes]";
        Assert.Equal($"stdout:\n{stdout}\nstderr:\n{stderr}\nexit code: 0", result.Context);
    }

    [Fact]
    public async Task ChattyCommandIsDrainedPastTheCap()
    {
        // 50 MB through the pipe: the reader keeps discarding, so the command is never blocked on a full pipe.
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "head -c 50000000 /dev/zero; echo end >&2", timeout: 60);

        Assert.EndsWith("[stdout truncated: showing the first 65536 of 50000000 bytes]\nstderr:\nend\n\nexit code: 0", result.Context);
    }

    [Fact]
    public async Task OutputIsReportedAsItArrivesUpToTheCap()
    {
        var progress = new RecordingProgress();
        var result = await BashTool.RunAsync(_workspace.Context, progress, "printf out; printf err >&2; head -c 70000 /dev/zero | tr '\\0' a", timeout: 30);

        Assert.Null(result.Error);
        Assert.Equal("out" + new string('a', 65536 - 3), progress.Text(ToolOutputStream.Stdout));
        Assert.Equal("err", progress.Text(ToolOutputStream.Stderr));
    }

    [Fact]
    public async Task MultiByteCharacterCutByTheCapIsDropped()
    {
        // 65535 ASCII bytes then "é" (2 bytes): the cap falls inside the character.
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, "head -c 65535 /dev/zero | tr '\\0' a; printf 'éé'", timeout: 30);

        Assert.StartsWith("stdout:\n" + new string('a', 65535) + "\n[stdout truncated", result.Context);
    }

    [Theory]
    [InlineData("", 5, "command must not be empty")]
    [InlineData("echo", -0.5, "timeout must be between 0 and 600 seconds")]
    [InlineData("echo", 600.5, "timeout must be between 0 and 600 seconds")]
    public async Task InvalidArgumentsAreErrors(string command, double timeout, string error)
    {
        var result = await BashTool.RunAsync(_workspace.Context, ToolProgress.None, command, timeout);

        Assert.Equal(error, result.Error);
    }

    [Fact]
    public async Task MissingWorkspaceIsAnError()
    {
        var result = await BashTool.RunAsync(new ToolContext(Path.Combine(_workspace.Base, "missing")), ToolProgress.None, "true");

        Assert.StartsWith("Workspace directory does not exist: ", result.Error);
    }

    private int ReadPid(string file) => int.Parse(File.ReadAllText(_workspace.PathOf(file)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Running = has a /proc entry that is not a zombie (a killed orphan may wait for init to reap it).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Leaves nothing of a test's group behind even when the assertion failed: kills until empty, at most 10 s.</summary>
    private static async Task KillGroupAsync(int group)
    {
        await WaitUntilAsync(() =>
        {
            using var kill = Process.Start("kill", ["-9", "--", $"-{group}"]);
            kill.WaitForExit();
            return HostProcesses.MembersOf(group).Count == 0;
        }, TimeSpan.FromSeconds(10), $"process group {group} survived");
    }

    private static Task AssertProcessGoneAsync(int pid) =>
        WaitUntilAsync(() => !IsRunning(pid), TimeSpan.FromSeconds(2), $"process {pid} still running");

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <paramref name="limit"/>.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string? message = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < limit, message ?? $"condition not met within {limit}");
            await Task.Delay(20);
        }
    }

    private static string RealPath(string path)
    {
        var info = new DirectoryInfo(path);
        var parent = info.Parent is null ? "/" : RealPath(info.Parent.FullName);
        var here = Path.Combine(parent, info.Name);
        return new DirectoryInfo(here).LinkTarget is { } target ? Path.GetFullPath(target, parent) : here;
    }

    /// <summary>Keeps every report, per stream.</summary>
    private sealed class RecordingProgress : IToolProgress
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<ToolOutputStream, List<byte>> _bytes = [];

        public void Report(ReadOnlySpan<byte> utf8, ToolOutputStream stream)
        {
            lock (_gate)
            {
                (_bytes.TryGetValue(stream, out var list) ? list : _bytes[stream] = []).AddRange(utf8);
            }
        }

        public string Text(ToolOutputStream stream)
        {
            lock (_gate)
            {
                return System.Text.Encoding.UTF8.GetString([.. _bytes.GetValueOrDefault(stream) ?? []]);
            }
        }
    }
}

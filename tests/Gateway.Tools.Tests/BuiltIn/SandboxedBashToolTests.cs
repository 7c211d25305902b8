using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>
/// Real commands through the real <c>bash</c> tool under BASH_SANDBOX=bwrap (issue 14). They need bubblewrap and fail
/// without it (.ci/run installs it); <see cref="BashToolTests"/> holds the unconfined (none) behaviour.
/// </summary>
public sealed class SandboxedBashToolTests : IDisposable
{
    /// <summary>A command returns within its timeout plus this.</summary>
    private static readonly TimeSpan KillBound = TimeSpan.FromSeconds(2);

    private static int s_sandboxes;

    private readonly BashSandbox _sandbox = NewSandbox();
    private readonly TempWorkspace _workspace;

    public SandboxedBashToolTests() => _workspace = new TempWorkspace(_sandbox);

    public void Dispose() => _workspace.Dispose();

    /// <summary>A uid range of its own when the tests run as root: RLIMIT_NPROC counts a uid host-wide, and test classes run in parallel.</summary>
    public static BashSandbox NewSandbox(bool network = false, int maxProcesses = 256, int cpuSeconds = 600, int maxMemoryMegabytes = 4096) => new()
    {
        Network = network,
        MaxProcesses = maxProcesses,
        CpuSeconds = cpuSeconds,
        MaxMemoryMegabytes = maxMemoryMegabytes,
        UserBase = BashSandbox.GatewayIsRoot ? 2_100_000_000 + (1000 * Interlocked.Increment(ref s_sandboxes)) : null,
    };

    [Fact]
    public async Task TheTrialRunSaysWhetherItWorks()
    {
        Assert.Null(await _sandbox.TryRunAsync(_workspace.Root, "test -w ."));
        Assert.Equal("exit code 3: no", await _sandbox.TryRunAsync(_workspace.Root, "echo no >&2; exit 3"));
    }

    [Fact]
    public async Task OnlyTheWorkspaceAndAPrivateTmpAreWritableAndNothingIsLeftOutside()
    {
        // The host's /tmp (where the outside directory is) is hidden by the private one; /var/tmp is read-only.
        var outside = Path.Combine(_workspace.Outside, "escaped");
        var system = $"/var/tmp/gateway-escaped-{Guid.NewGuid():N}";
        try
        {
            var result = await RunAsync($"echo in > inside; echo tmp > /tmp/t && cat /tmp/t; echo out > {outside}; echo out > {system}");

            Assert.StartsWith("stdout:\ntmp\n\nstderr:\n", result);
            Assert.Contains($"cannot create {system}: Read-only file system", result, StringComparison.Ordinal);
            Assert.EndsWith("exit code: 2", result, StringComparison.Ordinal);
            Assert.Equal("in\n", _workspace.Read("inside"));
            Assert.False(File.Exists(outside));
            Assert.False(File.Exists(system));
            Assert.Empty(Directory.EnumerateFileSystemEntries(_workspace.Outside));
        }
        finally
        {
            File.Delete(system);
        }
    }

    [Fact]
    public async Task RootOnlyFilesAreUnreadable()
    {
        var result = await RunAsync("cat /etc/shadow");

        Assert.Equal("stderr:\ncat: /etc/shadow: Permission denied\n\nexit code: 1", result);
    }

    [Fact]
    public async Task TheGatewaysVariablesAndProcessesAreOutOfReach()
    {
        var name = $"GATEWAY_TEST_API_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "sk-not-for-commands");
        try
        {
            var result = await RunAsync($"env; cat /proc/{Environment.ProcessId}/environ; ps -e -o pid= | wc -l");

            Assert.DoesNotContain("sk-not-for-commands", result, StringComparison.Ordinal);
            Assert.Contains($"HOME={_workspace.Root}\n", result, StringComparison.Ordinal);
            Assert.Contains($"cat: /proc/{Environment.ProcessId}/environ: No such file or directory", result, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task ALoopbackListenerIsReachableOnlyWithTheNetwork(bool network, int expectedExitCode)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var sandbox = NewSandbox(network);
        using var workspace = new TempWorkspace(sandbox);

        var result = await BashTool.RunAsync(workspace.Context, ToolProgress.None, $"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}'");

        Assert.EndsWith($"exit code: {expectedExitCode}", result.Context, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABoundedSpawnerIsHeldToTheProcessLimitAndNothingOfItOutlivesTheCall()
    {
        // Never an unbounded fork bomb (issue 14): 1,500 sleeps at most, against a limit of 100. The subshell stops at
        // the first fork the limit refuses; the shell then counts its namespace's processes with builtins only.
        const int Limit = 100;
        var sandbox = NewSandbox(maxProcesses: Limit);
        using var workspace = new TempWorkspace(sandbox);
        var marker = HostProcesses.Marker();
        var stopwatch = Stopwatch.StartNew();

        var result = await BashTool.RunAsync(
            workspace.Context, ToolProgress.None, $"(for i in $(seq 1 1500); do sleep {marker} & done) 2>/dev/null; set -- /proc/[0-9]*; echo $#", timeout: 30);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
        var counted = int.Parse(result.Context!.Split('\n')[1], CultureInfo.InvariantCulture);
        Assert.InRange(counted, Limit / 2, Limit);
        await HostProcesses.AssertNoneLeftAsync(marker, KillBound);
    }

    [Fact]
    public async Task ATimedOutCommandIsKilledWithItsWholeNamespaceEvenWhatLeftTheGroup()
    {
        var marker = HostProcesses.Marker();
        var stopwatch = Stopwatch.StartNew();

        var result = await RunAsync($"setsid sleep {marker} & sleep {marker}", timeout: 1);

        Assert.Equal("Command timed out after 1 seconds", result);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1) + KillBound, $"took {stopwatch.Elapsed}");
        await HostProcesses.AssertNoneLeftAsync(marker, KillBound);
    }

    [Fact]
    public async Task ABackgroundJobEndsWithTheCall()
    {
        // Unlike BASH_SANDBOX=none (BashToolTests.BackgroundJobThatRedirectedItsOutputIsLeftRunning): the PID namespace
        // ends when the shell does.
        var marker = HostProcesses.Marker();

        var result = await RunAsync($"sleep {marker} >/dev/null 2>&1 &");

        Assert.Equal("exit code: 0", result);
        await HostProcesses.AssertNoneLeftAsync(marker, KillBound);
    }

    [Fact]
    public async Task EachStreamIsStillCappedAt64KiB()
    {
        var result = await RunAsync("head -c 200000 /dev/zero | tr '\\0' a", timeout: 30);

        Assert.Equal($"stdout:\n{new string('a', 65536)}\n[stdout truncated: showing the first 65536 of 200000 bytes]\nexit code: 0", result);
    }

    [Fact]
    public async Task CpuTimeIsLimitedPerProcess()
    {
        var sandbox = NewSandbox(cpuSeconds: 1);
        using var workspace = new TempWorkspace(sandbox);

        var result = await BashTool.RunAsync(workspace.Context, ToolProgress.None, "while :; do :; done", timeout: 20);

        // Soft and hard limit are one: at the hard limit the kernel sends SIGKILL (setrlimit(2)), 128 + 9.
        Assert.Equal("exit code: 137", result.Context);
    }

    [Fact]
    public async Task MemoryIsLimitedPerProcess()
    {
        var sandbox = NewSandbox(maxMemoryMegabytes: 64);
        using var workspace = new TempWorkspace(sandbox);

        var result = await BashTool.RunAsync(workspace.Context, ToolProgress.None, "head -c 100000000 /dev/zero 2>/dev/null | sort > /dev/null; echo sorted $?", timeout: 20);

        Assert.Equal("stdout:\nsorted 2\n\nstderr:\nsort: memory exhausted\n\nexit code: 0", result.Context);
    }

    [Fact]
    public async Task TheFileToolsWorkOnWhatBashMadeAndBashOnWhatPatchMade()
    {
        Assert.Equal("exit code: 0", await RunAsync("echo one > by-bash.txt"));

        Assert.Null((await ReadTool.ReadAsync(_workspace.Context, "by-bash.txt")).Error);
        var update = await PatchTool.ApplyAsync(_workspace.Context, "*** Begin Patch\n*** Update File: by-bash.txt\n@@\n-one\n+ONE\n*** End Patch\n");
        var add = await PatchTool.ApplyAsync(_workspace.Context, "*** Begin Patch\n*** Add File: made/by-patch.txt\n+two\n*** End Patch\n");

        Assert.Null(update.Error);
        Assert.Null(add.Error);
        Assert.Equal("stdout:\nONE\ntwo\nmore\n\nexit code: 0", await RunAsync("echo more >> made/by-patch.txt && touch made/also && cat by-bash.txt made/by-patch.txt"));
    }

    [Fact]
    public async Task ASessionsOwnDirectoryHidesTheOtherSessions()
    {
        var first = new ToolContext(_workspace.Root, _sandbox);
        var second = new ToolContext(_workspace.Root, _sandbox);
        var a = Directory.CreateDirectory(_workspace.PathOf("a")).FullName;
        var b = Directory.CreateDirectory(_workspace.PathOf("b")).FullName;
        first.BeginOwn(a);
        second.BeginOwn(b);
        try
        {
            _workspace.Write("a/secret.txt", "topsecret");

            var result = await BashTool.RunAsync(second, ToolProgress.None, $"ls -a ..; cat ../a/secret.txt {a}/secret.txt; ln -s {a}/secret.txt link; cat link; ls {_workspace.Root}");

            Assert.DoesNotContain("topsecret", result.Context, StringComparison.Ordinal);
            Assert.StartsWith("stdout:\n.\n..\nb\nb\n\nstderr:\n", result.Context, StringComparison.Ordinal);
            Assert.Equal("topsecret", File.ReadAllText(Path.Combine(a, "secret.txt")));
            // As root, each session's directory belongs to a uid of its own, whose process count is its own too.
            Assert.True(!BashSandbox.GatewayIsRoot || first.SandboxUser != second.SandboxUser);
        }
        finally
        {
            first.End();
            second.End();
        }
    }

    [Fact]
    public void AsRootEachLiveSessionHasAUidOfItsOwnWhichIsReusedAfterIt()
    {
        var sessions = Enumerable.Range(0, 3).Select(_ => new ToolContext(_workspace.Root, _sandbox)).ToArray();
        var directories = new[] { "a", "b", "c" }.Select(name => Directory.CreateDirectory(_workspace.PathOf(name)).FullName).ToArray();

        sessions[0].BeginOwn(directories[0]);
        sessions[1].BeginOwn(directories[1]);
        var first = sessions[0].SandboxUser;
        sessions[0].End();
        sessions[2].BeginOwn(directories[2]);

        Assert.Equal(BashSandbox.GatewayIsRoot ? [_sandbox.UserBase + 1, _sandbox.UserBase + 2, _sandbox.UserBase + 1] : [null, null, null],
            new[] { first, sessions[1].SandboxUser, sessions[2].SandboxUser });
        Assert.Equal(_sandbox.UserBase, sessions[0].SandboxUser);
        sessions[1].End();
        sessions[2].End();
    }

    private async Task<string> RunAsync(string command, double timeout = 5) =>
        (await BashTool.RunAsync(_workspace.Context, ToolProgress.None, command, timeout)).Context!;
}

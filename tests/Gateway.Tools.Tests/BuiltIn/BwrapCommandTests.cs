using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>The sandbox's command line, and what it holds when real bwrap runs it (issue 14; .ci/run installs bubblewrap).</summary>
public sealed class BwrapCommandTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(10);

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void ArgumentsMountTheTmpfsBeforeTheWorkspaceAndPassOnlyListedVariables()
    {
        var arguments = BwrapCommand.Arguments("/tmp/ws", "ls", network: false, name => name is "PATH" or "API_KEY" ? "value-of-" + name : null);

        Assert.Equal(
            [
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--bind", "/tmp/ws", "/tmp/ws",
                "--chdir", "/tmp/ws", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
                "--setenv", "HOME", "/tmp/ws", "--setenv", "PATH", "value-of-PATH", "--", "sh", "-c", "ls",
            ],
            arguments);
    }

    [Fact]
    public void NetworkSharesTheHostsNetwork()
    {
        Assert.Contains("--share-net", BwrapCommand.Arguments("/w", "ls", network: true, _ => null));
        Assert.DoesNotContain("--share-net", BwrapCommand.Arguments("/w", "ls", network: false, _ => null));
    }

    [Fact]
    public async Task OnlyTheWorkspaceAndThePrivateTmpAreWritable()
    {
        // The host's /tmp (where the outside directory is) is hidden by the private one; /var/tmp is read-only.
        var outside = Path.Combine(_workspace.Outside, "escaped");
        var system = $"/var/tmp/gateway-escaped-{Guid.NewGuid():N}";
        try
        {
            var (exitCode, stdout, stderr) = await RunAsync($"echo in > inside; echo tmp > /tmp/t && cat /tmp/t; echo out > {outside}; echo out > {system}");

            Assert.Equal((2, "tmp\n"), (exitCode, stdout));
            Assert.Contains($"cannot create {system}: Read-only file system", stderr, StringComparison.Ordinal);
            Assert.Equal("in\n", File.ReadAllText(_workspace.PathOf("inside")));
            Assert.False(File.Exists(outside));
            Assert.False(File.Exists(system));
        }
        finally
        {
            File.Delete(system);
        }
    }

    [Fact]
    public async Task TheGatewaysVariablesAndProcessesAreOutOfReach()
    {
        var (_, stdout, stderr) = await RunAsync($"env; cat /proc/{Environment.ProcessId}/environ", ("GATEWAY_TEST_SECRET", "s3cret"));

        Assert.DoesNotContain("s3cret", stdout, StringComparison.Ordinal);
        Assert.Contains($"HOME={_workspace.Root}\n", stdout, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task ALoopbackListenerIsReachableOnlyWithTheNetwork(bool network, int expectedExitCode)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var (exitCode, _, _) = await RunAsync($"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}'", network: network);

        Assert.Equal(expectedExitCode, exitCode);
    }

    /// <summary>Runs <paramref name="command"/> in the sandbox over the test's workspace, with <paramref name="variable"/> in bwrap's own environment.</summary>
    /// <remarks>
    /// On a thread of its own that lives until bwrap exits: --die-with-parent is PR_SET_PDEATHSIG, which fires when
    /// the THREAD that forked bwrap ends (prctl(2)), and a retiring thread-pool thread killed bwrap with 137.
    /// </remarks>
    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string command, (string Name, string Value)? variable = null, bool network = false) =>
        Task.Factory.StartNew(() => Run(command, variable, network), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private (int ExitCode, string Stdout, string Stderr) Run(string command, (string Name, string Value)? variable, bool network)
    {
        var info = new ProcessStartInfo(BwrapCommand.Program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in BwrapCommand.Arguments(_workspace.Root, command, network, Environment.GetEnvironmentVariable))
        {
            info.ArgumentList.Add(argument);
        }
        if (variable is var (name, value))
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(RunLimit), $"bwrap still running after {RunLimit}");
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            // The PID namespace dies with bwrap: nothing inside outlives it.
            process.Kill();
        }
    }
}

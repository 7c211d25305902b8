using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Configuration;
using Gateway.Tools.BuiltIn;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Tools;

/// <summary>
/// Issue 14, "bash in a sandbox", through the gateway: the real executable with BASH_SANDBOX and the mock model's
/// <c>/tool bash</c> turn, and two concurrent sessions in their own directories. They need bubblewrap and fail
/// without it (.ci/run installs it).
/// </summary>
public sealed class SandboxedBashTests : IDisposable
{
    /// <summary>The workspaces' parent: the umask's mode (not 0700), so that the sandbox's unprivileged uid can reach it.</summary>
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gateway-sandboxed-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task AnExplicitBwrapThatCannotRunStopsStartUpWithExitCode2AndAutoFallsBackWithAWarning()
    {
        // A PATH with everything the sandbox needs but bwrap itself.
        var path = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        foreach (var program in new[] { "setsid", "setpriv", "prlimit", "sh" })
        {
            File.CreateSymbolicLink(Path.Combine(path, program), $"/usr/bin/{program}");
        }

        await using (var bwrap = GatewayProcess.Start(Environment(("PATH", path))))
        {
            Assert.Equal(2, await bwrap.WaitForExitAsync());
            Assert.Contains(bwrap.Log, line => line.StartsWith("Configuration error: BASH_SANDBOX=bwrap, but the sandbox cannot run here: ", StringComparison.Ordinal)
                && line.Contains("bwrap", StringComparison.Ordinal));
        }
        await using var auto = GatewayProcess.Start(Environment(("PATH", path), ("BASH_SANDBOX", "auto")));
        await auto.ListeningAsync();
        Assert.Contains(auto.Log, line => line.Contains("bash runs unsandboxed, as the gateway itself: BASH_SANDBOX=auto and the sandbox cannot run here", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThroughTheGatewayACommandReadsNoSecretAndReachesNoListener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var gateway = GatewayProcess.Start(Environment(("GATEWAY_TEST_API_KEY", "sk-not-for-commands")));
        var endPoint = await gateway.ListeningAsync();
        Assert.Contains(gateway.Log, line => line.Contains("bash runs in bwrap: network off", StringComparison.Ordinal));
        // A root-owned shared workspace is left to the operator to give to the sandbox's uid.
        Assert.Equal(BashSandbox.GatewayIsRoot, gateway.Log.Any(line => line.Contains("Sandboxed bash can read but not write WORKSPACE_ROOT", StringComparison.Ordinal)));

        var result = await RunBashAsync(
            endPoint, $"env; cat /proc/{gateway.Id}/environ; cat /etc/shadow; bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}' && echo connected");

        var stdout = result.GetProperty("stdout").GetString()!;
        var stderr = result.GetProperty("stderr").GetString()!;
        Assert.DoesNotContain("sk-not-for-commands", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("connected", stdout, StringComparison.Ordinal);
        Assert.Contains($"cat: /proc/{gateway.Id}/environ: No such file or directory", stderr, StringComparison.Ordinal);
        Assert.Contains("cat: /etc/shadow: Permission denied", stderr, StringComparison.Ordinal);
        Assert.Contains("Connection refused", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheNetworkACommandReachesALoopbackListener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var gateway = GatewayProcess.Start(Environment(("BASH_NETWORK", "true")));

        var result = await RunBashAsync(await gateway.ListeningAsync(), $"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}' && echo connected");

        Assert.Equal("connected\n", result.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task ABoundedSpawnerIsHeldToTheProcessLimitWhileTheGatewayAnswersHealth()
    {
        // Never an unbounded fork bomb (issue 14): at most 1,500 sleeps against a limit of 100, held for 2 s while
        // /health is asked again and again.
        var marker = string.Create(CultureInfo.InvariantCulture, $"6{Random.Shared.Next(100_000, 1_000_000)}");
        await using var gateway = GatewayProcess.Start(Environment(("BASH_MAX_PROCESSES", "100")));
        var endPoint = await gateway.ListeningAsync();

        var run = RunBashAsync(endPoint, $"(for i in $(seq 1 1500); do sleep {marker} & done) 2>/dev/null; set -- /proc/[0-9]*; echo $#; sleep 2", timeout: 30);
        var healthChecks = 0;
        while (!run.IsCompleted)
        {
            await using var connection = await RawConnection.ConnectAsync(endPoint);
            await connection.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
            healthChecks++;
        }
        var result = await run;

        Assert.True(healthChecks > 1, $"{healthChecks} health checks");
        Assert.InRange(int.Parse(result.GetProperty("stdout").GetString()!, CultureInfo.InvariantCulture), 50, 100);
        await WithinAsync(Patience, () => !Running(marker), "no sleep of the spawner is left");
    }

    [Fact]
    public async Task ConcurrentSessionsBashCannotReadEachOthersFiles()
    {
        var bDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? a = null; // session A's id, known once A has connected, named in B's command
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "bash", """{"command":"echo topsecret > secret.txt"}"""))
            .Then(After(bDone.Task, Text("A done")))
            .Then(CallsWhenCalled(() =>
            [
                Call("b1", "bash", JsonCommand(
                    $"ls -a ..; cat ../{a}/secret.txt {_root}/{a}/secret.txt; ln -s ../{a} peer; ln -s {_root}/{a}/secret.txt direct; cat peer/secret.txt direct; ls {_root}")),
            ]))
            .ThenText("B done");
        var agents = new AgentOptions
        {
            WorkspaceRoot = _root, WorkspaceMode = WorkspaceMode.Session, BashSandbox = new BashSandbox { UserBase = BashSandbox.GatewayIsRoot ? 2_099_000_000 : null },
        };
        await using var host = await ChatTestHost.StartAsync(model, new BuiltInToolRegistry(agents.EnabledTools), agents);
        const string Request = """{"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"bash"}]}}""";

        var (connectionA, streamA) = await host.OpenChatAsync(Request);
        await using var _ = connectionA;
        a = (await streamA.ReadUntilAsync("tool_result"))[0].Field("sessionId")!;
        Assert.Equal("topsecret\n", await File.ReadAllTextAsync(Path.Join(_root, a, "secret.txt")));
        await WithinAsync(Patience, () => host.Model.Requests.Count == 2, "session A waits in its second turn");

        var (connectionB, streamB) = await host.OpenChatAsync(Request);
        await using var __ = connectionB;
        var eventsB = await streamB.ReadAllEventsAsync();
        var b = eventsB[0].Field("sessionId");
        var output = eventsB.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("result");
        bDone.SetResult();

        Assert.DoesNotContain("topsecret", output.GetRawText(), StringComparison.Ordinal);
        Assert.Equal($".\n..\n{b}\n{b}\n", output.GetProperty("stdout").GetString());
        Assert.Equal("A done", (await streamA.ReadAllEventsAsync()).Single(e => e.Name == "text").Field("content"));
        await WithinAsync(Patience, () => host.Host.Orchestrators.Rented == 0, "both sessions are over");
        Assert.Equal([SessionWorkspaces.LockFileName], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void TheSettingsHaveSaneDefaultsAndBadValuesAreRefused()
    {
        var defaults = GatewayOptions.FromEnvironment(_ => null);
        Assert.Equal(SandboxMode.Auto, defaults.SandboxMode);
        Assert.Equal((false, 256, 4096, 600), (defaults.Sandbox.Network, defaults.Sandbox.MaxProcesses, defaults.Sandbox.MaxMemoryMegabytes, defaults.Sandbox.CpuSeconds));
        Assert.Equal(BashSandbox.GatewayIsRoot ? 2_000_000_000 : null, defaults.Sandbox.UserBase);
        Assert.Null(defaults.Agents.BashSandbox);

        var set = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(
            ("BASH_SANDBOX", "None"), ("BASH_NETWORK", "true"), ("BASH_MAX_PROCESSES", "64"), ("BASH_MAX_MEMORY_MB", "512"), ("BASH_CPU_SECONDS", "30"), ("BASH_UID_BASE", "3000000")));
        Assert.Equal(SandboxMode.None, set.SandboxMode);
        Assert.Equal((true, 64, 512, 30), (set.Sandbox.Network, set.Sandbox.MaxProcesses, set.Sandbox.MaxMemoryMegabytes, set.Sandbox.CpuSeconds));
        Assert.Equal(BashSandbox.GatewayIsRoot ? 3_000_000 : null, set.Sandbox.UserBase);

        Assert.Equal("BASH_SANDBOX=firejail: expected auto, bwrap or none.",
            Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("BASH_SANDBOX", "firejail")))).Message);
        Assert.Equal("BASH_MAX_PROCESSES=0: expected a whole number from 1 to 1000000.",
            Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("BASH_MAX_PROCESSES", "0")))).Message);
    }

    /// <summary>The gateway on a loopback port with a mock model, sandboxed bash over the test's workspace, and <paramref name="more"/>.</summary>
    private Dictionary<string, string> Environment(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["MODELS_DIR"] = _root, ["MOCK_MODELS"] = "m", ["MOCK_TOKENS"] = "1",
            ["WORKSPACE_ROOT"] = Directory.CreateDirectory(Path.Combine(_root, "workspace")).FullName, ["BASH_SANDBOX"] = "bwrap",
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>One <c>/tool bash</c> turn of the mock model through curl; the tool's result object (exitCode, stdout, stderr).</summary>
    private static async Task<JsonElement> RunBashAsync(IPEndPoint endPoint, string command, double timeout = 5)
    {
        var content = "/tool bash " + JsonCommand(command, timeout);
        var request = """{"messages":[{"role":"user","content":""" + Quoted(content) + """}],"permissions":{"allowlist":[{"tool":"bash"}]}}""";

        var (exitCode, stream) = await ClientProcess.RunAsync("curl", "-sSN", "--max-time", "60", "-H", "Content-Type: application/json", "-d", request, $"http://{endPoint}/chat");

        Assert.Equal(0, exitCode);
        return Mock.MockModels.ParseEvents(stream).Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("result").Clone();
    }

    private static string JsonCommand(string command, double timeout = 5) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"command":{{Quoted(command)}},"timeout":{{timeout}}}""");

    /// <summary><paramref name="text"/> as a JSON string.</summary>
    private static string Quoted(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStringValue(text);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Whether a live process has <paramref name="marker"/> in its command line (pgrep(1) skips zombies' empty ones, and itself).</summary>
    private static bool Running(string marker)
    {
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", ["-f", marker]) { RedirectStandardOutput = true })!;
        pgrep.StandardOutput.ReadToEnd();
        pgrep.WaitForExit();
        return pgrep.ExitCode == 0;
    }
}

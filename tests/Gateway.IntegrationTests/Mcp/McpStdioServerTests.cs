using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Gateway.Server.Diagnostics;
using Gateway.Server.Mcp;
using Gateway.Tools.BuiltIn;
using Gateway.Tools.Tests.BuiltIn;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>Real stdio servers from npm (issue 18) kept running by <see cref="McpServers"/>: start, tools, calls, cancellation, crash and restart.</summary>
public sealed class McpStdioServerTests : IAsyncLifetime
{
    private static readonly McpOptions Options = McpOptions.Default with { StartTimeout = TimeSpan.FromSeconds(20) };

    /// <summary>On every server's command line, so the test can see that none of its processes is left.</summary>
    private readonly string _marker = $"--gateway-test-{Guid.NewGuid():N}";
    private readonly string _directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gateway-mcp-{Guid.NewGuid():N}")).FullName;
    private readonly FakeTimeProvider _time = new();
    private McpServers? _servers;

    private string ProbeLog => Path.Combine(_directory, "probe.log");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
        await HostProcesses.AssertNoneLeftAsync(_marker, TimeSpan.FromSeconds(5));
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task TheProbeBecomesReadyWithItsToolsAndReportsProgress()
    {
        var server = Start(Probe());

        var state = await McpServerStates.ReadyAsync(server);

        Assert.Equal(["wait", "crash", "progress", "release", "add-tool", "count", "cwd"], state.Tools.Select(t => t.Name));
        Assert.Equal(("probe", "1.0.0", "2025-11-25", "stdio", "shared", 0), (state.ServerName, state.ServerVersion, state.ProtocolVersion, state.Transport, state.Scope, state.Restarts));
        Assert.NotNull(state.Pid);
        Assert.Contains($"ready {state.Pid}", await File.ReadAllTextAsync(ProbeLog), StringComparison.Ordinal);
        var progress = new RecordedProgress();
        var call = server.CallToolAsync("progress", Arguments("""{"steps":3}"""), progress, CancellationToken.None);
        // The SDK hands each notification on by itself, apart from answers: they may come after the answer that followed
        // them (trap 2), so the probe answers only once released, and in any order.
        var reported = await progress.WaitForAsync(3);
        Assert.Equal("released 1", Text(await server.CallToolAsync("release", Arguments("{}"), new RecordedProgress(), CancellationToken.None)));

        Assert.Equal("3 steps", Text(await call));
        Assert.Equal([(1, 3, "step 1"), (2, 3, "step 2"), (3, 3, "step 3")], reported.Select(p => (p.Progress, p.Total, p.Message)).Order());
    }

    [Fact]
    public async Task ServerEverythingAnswersItsTools()
    {
        var server = Start(Stdio("everything", McpFixtures.ServerEverything, "stdio"));

        var state = await McpServerStates.ReadyAsync(server);

        Assert.Equal("mcp-servers/everything", state.ServerName);
        Assert.Contains(state.Tools, t => t.Name == "get-sum");
        var result = await server.CallToolAsync("get-sum", Arguments("""{"a":2,"b":3}"""), new RecordedProgress(), CancellationToken.None);
        Assert.Equal("The sum of 2 and 3 is 5.", Text(result));
    }

    [Fact]
    public async Task ACancelledCallTellsTheServerWhichStaysReady()
    {
        var server = Start(Probe());
        await McpServerStates.ReadyAsync(server);
        using var cancel = new CancellationTokenSource();

        var call = server.CallToolAsync("wait", Arguments("""{"ms":60000}"""), new RecordedProgress(), cancel.Token);
        var started = await LogLineAsync("start ");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal("cancelled " + started["start ".Length..], await LogLineAsync("cancelled "));
        Assert.Equal(McpServerStatus.Ready, server.State.Status);
        Assert.Equal("waited", Text(await server.CallToolAsync("wait", Arguments("""{"ms":1}"""), new RecordedProgress(), CancellationToken.None)));
    }

    [Fact]
    public async Task AServerThatCrashesDuringACallFailsItAndIsRestartedAfterItsBackoff()
    {
        var server = Start(Probe());
        var ready = await McpServerStates.ReadyAsync(server);

        var failure = await Assert.ThrowsAsync<McpUnavailableException>(
            () => server.CallToolAsync("crash", Arguments("{}"), new RecordedProgress(), CancellationToken.None));

        Assert.Equal("server exited (code 3) during the call", failure.Message);
        var backoff = await McpServerStates.WaitForAsync(server, s => s.Status == McpServerStatus.Backoff);
        Assert.Equal("exited (code 3); stderr: probe: crashing on purpose", backoff.LastError);
        Assert.Equal(_time.GetUtcNow(), backoff.LastErrorAt);
        Assert.InRange(backoff.NextAttemptAt!.Value - _time.GetUtcNow(), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.Empty(backoff.Tools);
        Assert.Null(backoff.Pid);
        Assert.Empty(HostProcesses.MembersOf(ready.Pid!.Value));
        var unavailable = await Assert.ThrowsAsync<McpUnavailableException>(
            () => server.CallToolAsync("wait", Arguments("""{"ms":1}"""), new RecordedProgress(), CancellationToken.None));
        Assert.StartsWith("server probe is restarting (exited (code 3)", unavailable.Message, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(1.2));

        var again = await McpServerStates.ReadyAsync(server);
        Assert.Equal(1, again.Restarts);
        Assert.NotEqual(ready.Pid, again.Pid);
        Assert.Equal("waited", Text(await server.CallToolAsync("wait", Arguments("""{"ms":1}"""), new RecordedProgress(), CancellationToken.None)));
    }

    [Fact]
    public async Task LinesThatAreNotTheProtocolOnStdoutDoNotBreakTheServer()
    {
        // stdout is the protocol (trap 19): a server that prints to it anyway is read past, not dropped.
        var server = Start(Stdio("noisy", "sh", "-c", $"echo 'Starting server...'; exec {McpFixtures.Node} {McpFixtures.Probe} \"$0\"").WithEnv("PROBE_LOG", ProbeLog));

        await McpServerStates.ReadyAsync(server);

        Assert.Equal("waited", Text(await server.CallToolAsync("wait", Arguments("""{"ms":1}"""), new RecordedProgress(), CancellationToken.None)));
    }

    [Fact]
    public async Task TheBackoffDoublesWhileFailuresFollowEachOtherAndStartsAgainAfterAMinuteReady()
    {
        var server = Start(Probe());
        await McpServerStates.ReadyAsync(server);

        Assert.InRange(await CrashAsync(server), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        _time.Advance(TimeSpan.FromSeconds(1.2));
        await McpServerStates.WaitForAsync(server, s => s is { Status: McpServerStatus.Ready, Restarts: 1 });
        Assert.InRange(await CrashAsync(server), TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
        _time.Advance(TimeSpan.FromSeconds(2.4));
        await McpServerStates.WaitForAsync(server, s => s is { Status: McpServerStatus.Ready, Restarts: 2 });
        _time.Advance(McpBackoff.Recovered);

        Assert.InRange(await CrashAsync(server), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
    }

    [Fact]
    public async Task AServerThatCannotStartBacksOffWithWhatItWroteToStderr()
    {
        var missing = Path.Combine(_directory, "missing.js");
        var server = Start(Stdio("broken", McpFixtures.Node, missing));

        var state = await McpServerStates.WaitForAsync(server, s => s.Status == McpServerStatus.Backoff);

        Assert.StartsWith("exited (code 1); stderr: ", state.LastError, StringComparison.Ordinal);
        Assert.Contains($"Cannot find module '{missing}'", state.LastError, StringComparison.Ordinal);
        Assert.Equal(0, state.Restarts);
        Assert.Empty(state.Tools);
    }

    [Fact]
    public async Task ACommandThatDoesNotExistBacksOff()
    {
        var server = Start(Stdio("nothing", "gateway-no-such-command"));

        var state = await McpServerStates.WaitForAsync(server, s => s.Status == McpServerStatus.Backoff);

        Assert.StartsWith("exited (code 127); stderr: setsid: failed to execute gateway-no-such-command", state.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatNeverAnswersInitializeBacksOffAfterTheStartTimeout()
    {
        var server = Start(Stdio("silent", "sh", "-c", "exec sleep 100"), options: Options with { StartTimeout = TimeSpan.FromSeconds(0.5) });

        var state = await McpServerStates.WaitForAsync(server, s => s.Status == McpServerStatus.Backoff);

        Assert.Equal("did not initialize and list its tools within 0.5 s", state.LastError);
    }

    [Fact]
    public async Task StoppingEndsAServerBusyWithACallWithinItsBound()
    {
        var server = Start(Probe());
        var ready = await McpServerStates.ReadyAsync(server);
        var call = server.CallToolAsync("wait", Arguments("""{"ms":60000}"""), new RecordedProgress(), CancellationToken.None);
        await LogLineAsync("start ");

        var stopping = Stopwatch.StartNew();
        await _servers!.DisposeAsync();

        // Node outlives stdin EOF while a call is pending (trap 3): 1 s, then its group is killed.
        Assert.InRange(stopping.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<McpUnavailableException>(() => call);
        Assert.Equal(McpServerStatus.Stopped, server.State.Status);
        Assert.Empty(HostProcesses.MembersOf(ready.Pid!.Value));
    }

    [Fact]
    public async Task AListChangedNotificationListsTheToolsAgain()
    {
        var server = Start(Probe());
        await McpServerStates.ReadyAsync(server);

        await server.CallToolAsync("add-tool", Arguments("""{"name":"late"}"""), new RecordedProgress(), CancellationToken.None);

        var state = await McpServerStates.WaitForAsync(server, s => s.Tools.Any(t => t.Name == "late"));
        Assert.Equal(McpServerStatus.Ready, state.Status);
        Assert.Equal("late ran", Text(await server.CallToolAsync("late", Arguments("{}"), new RecordedProgress(), CancellationToken.None)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AServerSeesOnlyTheAllowlistItsOwnVariablesAndHomeSandboxedOrNot(bool sandboxed)
    {
        var sandbox = sandboxed ? new BashSandbox { UserBase = BashSandbox.GatewayIsRoot ? 2_100_900_000 : null } : null;
        var server = Start(Stdio("everything", McpFixtures.ServerEverything, "stdio").WithEnv("SERVER_TOKEN", "t"), sandbox);
        await McpServerStates.ReadyAsync(server);

        var result = await server.CallToolAsync("get-env", Arguments("{}"), new RecordedProgress(), CancellationToken.None);

        using var environment = JsonDocument.Parse(Text(result));
        var names = environment.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        // bwrap's --chdir sets PWD.
        Assert.True(names.IsSubsetOf([.. BwrapCommand.PassedVariables, "HOME", "PWD", "SERVER_TOKEN"]), string.Join(", ", names));
        Assert.Equal("t", environment.RootElement.GetProperty("SERVER_TOKEN").GetString());
        Assert.Equal(_directory, environment.RootElement.GetProperty("HOME").GetString());
    }

    /// <summary>Crashes the probe with a call and returns the backoff it then waits.</summary>
    private async Task<TimeSpan> CrashAsync(IMcpServer server)
    {
        await Assert.ThrowsAsync<McpUnavailableException>(() => server.CallToolAsync("crash", Arguments("{}"), new RecordedProgress(), CancellationToken.None));
        var backoff = await McpServerStates.WaitForAsync(server, s => s.Status == McpServerStatus.Backoff);
        return backoff.NextAttemptAt!.Value - _time.GetUtcNow();
    }

    private McpServerConfig Probe() => Stdio("probe", McpFixtures.Node, McpFixtures.Probe).WithEnv("PROBE_LOG", ProbeLog);

    private McpServerConfig Stdio(string name, string command, params string[] args) =>
        new(name, "stdio", McpServerConfig.Shared) { Stdio = new McpStdioCommand(command, [.. args, _marker], [], Cwd: null, Network: false) };

    private IMcpServer Start(McpServerConfig config, BashSandbox? sandbox = null, McpOptions? options = null)
    {
        _servers = new McpServers([config], options ?? Options, _directory, sandbox, GatewayLog.Silent, _time);
        _servers.Start();
        return Assert.Single(_servers.Servers);
    }

    /// <summary>The probe's first log line starting with <paramref name="prefix"/>, once it is written (within <see cref="McpServerStates.Bound"/>).</summary>
    private async Task<string> LogLineAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(McpServerStates.Bound);
        while (true)
        {
            var line = File.Exists(ProbeLog) ? (await File.ReadAllLinesAsync(ProbeLog, timeout.Token)).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) : null;
            if (line is not null)
            {
                return line;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    internal static Dictionary<string, JsonElement> Arguments(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    internal static string Text(CallToolResult result) =>
        string.Join('\n', result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    /// <summary>Progress as it arrives.</summary>
    internal sealed class RecordedProgress : IProgress<ProgressNotificationValue>
    {
        private readonly ConcurrentQueue<ProgressNotificationValue> _values = new();
        private readonly SemaphoreSlim _reported = new(0);

        /// <summary>The first <paramref name="count"/> reports, once they have come (within <see cref="McpServerStates.Bound"/>).</summary>
        public async Task<ProgressNotificationValue[]> WaitForAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await _reported.WaitAsync(McpServerStates.Bound), $"{i} progress reports of {count}");
            }
            return [.. _values.Take(count)];
        }

        public void Report(ProgressNotificationValue value)
        {
            _values.Enqueue(value);
            _reported.Release();
        }
    }
}

/// <summary>Test configurations.</summary>
internal static class McpServerConfigs
{
    public static McpServerConfig WithEnv(this McpServerConfig config, string name, string value) =>
        config with { Stdio = config.Stdio! with { Env = [.. config.Stdio.Env, new(name, value)] } };
}

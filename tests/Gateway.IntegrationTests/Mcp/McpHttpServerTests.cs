using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Server.Diagnostics;
using Gateway.Server.Mcp;
using Gateway.Tools.Tests.BuiltIn;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Mcp.McpStdioServerTests;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>server-everything over Streamable HTTP (its <c>streamableHttp</c> mode, with sessions): ready, calls, and a new session after it restarts.</summary>
public sealed class McpHttpServerTests : IAsyncLifetime
{
    private readonly string _marker = $"--gateway-test-{Guid.NewGuid():N}";
    private readonly string _directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gateway-mcp-{Guid.NewGuid():N}")).FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly int _port = FreePort();
    private Process? _everything;
    private McpServers? _servers;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
        await StopEverythingAsync();
        await HostProcesses.AssertNoneLeftAsync(_marker, TimeSpan.FromSeconds(5));
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AnHttpServerIsReadyAnswersAndAfterItRestartsGetsANewSession()
    {
        await StartEverythingAsync();
        var server = Start();

        var ready = await McpServerStates.ReadyAsync(server);
        Assert.Equal(("http", null, "2025-11-25", "mcp-servers/everything"), (ready.Transport, ready.Pid, ready.ProtocolVersion, ready.ServerName));
        Assert.Equal("Echo: hi", await EchoAsync(server, "hi"));

        await StopEverythingAsync();
        // The call finds it gone, unless the client's event stream already did.
        await Assert.ThrowsAsync<McpUnavailableException>(() => EchoAsync(server, "hi"));
        await StartEverythingAsync();

        await AssertRestartedAsync(server);
    }

    [Fact]
    public async Task AServerThatRestartedBetweenCallsHasLostTheSessionAndIsConnectedAgain()
    {
        await StartEverythingAsync();
        var server = Start();
        await McpServerStates.ReadyAsync(server);

        await StopEverythingAsync();
        await StartEverythingAsync();
        // It answers the old session id with 400, not the 404 that makes the SDK initialize again (trap 22); or a re-list
        // (server-everything sends tools/list_changed at times of its own) found the server gone first.
        var lost = await Assert.ThrowsAsync<McpUnavailableException>(() => EchoAsync(server, "hi"));
        Assert.Matches("^(server failed during the call: Request failed \\(remote\\): Bad Request: No valid session ID provided|server everything is restarting \\(failed to list its tools: .*\\))$", lost.Message);

        await AssertRestartedAsync(server);
    }

    [Fact]
    public async Task AnIdleHttpServerThatDiesIsFoundByAPing()
    {
        await StartEverythingAsync();
        var server = Start();
        await McpServerStates.ReadyAsync(server);

        await StopEverythingAsync();
        _time.Advance(TimeSpan.FromSeconds(30));

        var backoff = await McpServerStates.WaitForAsync(server, s => s.Status == McpServerStatus.Backoff);
        // Unless a re-list (server-everything sends tools/list_changed at times of its own) found it gone first.
        Assert.Matches("^(did not answer a ping|failed to list its tools)", backoff.LastError);
    }

    private static async Task<string> EchoAsync(IMcpServer server, string message) =>
        Text(await server.CallToolAsync("echo", Arguments($$"""{"message":"{{message}}"}"""), new RecordedProgress(), CancellationToken.None));

    /// <summary>The server backs off with its tools withdrawn, and after its first wait is ready again with a new session.</summary>
    private async Task AssertRestartedAsync(IMcpServer server)
    {
        Assert.Empty((await McpServerStates.WaitForAsync(server, s => s.Status == McpServerStatus.Backoff)).Tools);
        _time.Advance(TimeSpan.FromSeconds(1.2));

        Assert.Equal(1, (await McpServerStates.ReadyAsync(server)).Restarts);
        Assert.Equal("Echo: again", await EchoAsync(server, "again"));
    }

    /// <summary>Starts server-everything's Streamable HTTP mode on the test's port and waits (bounded) until it says it listens.</summary>
    private async Task StartEverythingAsync()
    {
        var info = new ProcessStartInfo(McpFixtures.Node, [McpFixtures.ServerEverything, "streamableHttp", _marker])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        info.Environment["PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _everything = Process.Start(info)!;
        _ = _everything.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        using var timeout = new CancellationTokenSource(McpServerStates.Bound);
        while (await _everything.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains($"listening on port {_port}", StringComparison.Ordinal))
            {
                _ = _everything.StandardError.BaseStream.CopyToAsync(Stream.Null);
                return;
            }
        }
        throw new InvalidOperationException("server-everything ended before it listened");
    }

    private async Task StopEverythingAsync()
    {
        if (_everything is { } everything)
        {
            _everything = null;
            everything.Kill(entireProcessTree: true);
            await everything.WaitForExitAsync().WaitAsync(McpServerStates.Bound);
            everything.Dispose();
        }
    }

    private IMcpServer Start()
    {
        var config = new McpServerConfig("everything", "http", McpServerConfig.Shared)
        {
            Http = new McpHttpEndpoint(new Uri($"http://127.0.0.1:{_port}/mcp"), []),
        };
        _servers = new McpServers([config], McpOptions.Default, _directory, sandbox: null, GatewayLog.Silent, _time);
        _servers.Start();
        return Assert.Single(_servers.Servers);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

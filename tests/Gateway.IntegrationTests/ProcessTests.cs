using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Configuration;

namespace Gateway.IntegrationTests;

/// <summary>The executable itself: --help, configuration errors, SIGTERM (graceful, exit 0) and SIGUSR1 (allocation line).</summary>
public sealed class ProcessTests
{
    private static readonly Dictionary<string, string> LoopbackAnyPort = new() { ["HOST"] = "127.0.0.1", ["PORT"] = "0" };

    [Fact]
    public async Task HelpListsEveryVariableWithItsDefault()
    {
        await using var gateway = GatewayProcess.Start(LoopbackAnyPort, "--help");
        Assert.Equal(0, await gateway.WaitForExitAsync());

        var help = string.Join('\n', gateway.Log);
        foreach (var variable in GatewayOptions.Variables)
        {
            Assert.Contains($"  {variable.Name} ", help, StringComparison.Ordinal);
            Assert.Contains($"(default: {variable.Default ?? "unset"})", help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvalidConfigurationExitsWithCode2AndNamesTheVariable()
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string> { ["PORT"] = "http" });
        Assert.Equal(2, await gateway.WaitForExitAsync());
        Assert.Contains(gateway.Log, line => line.Contains("PORT=http", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(",")]
    [InlineData(" ")]
    [InlineData("")]
    [InlineData(" , ,")]
    public async Task ApiKeysSetToNoKeyExitWithCode2InsteadOfTurningAuthenticationOff(string keys)
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>(LoopbackAnyPort) { ["GATEWAY_API_KEYS"] = keys });
        Assert.Equal(2, await gateway.WaitForExitAsync());
        Assert.Contains(gateway.Log, line => line.StartsWith($"Configuration error: GATEWAY_API_KEYS=\"{keys}\" names no key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SigtermStopsGracefullyWithExitCode0()
    {
        await using var gateway = GatewayProcess.Start(LoopbackAnyPort);
        var endPoint = await gateway.ListeningAsync();

        await using (var connection = await RawConnection.ConnectAsync(endPoint))
        {
            await connection.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);

            gateway.SendSignal("TERM");
            Assert.True(await connection.IsClosedByServerAsync());
        }

        Assert.Equal(0, await gateway.WaitForExitAsync());
        Assert.Contains(gateway.Log, line => line.EndsWith("Stopped.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigusr1LogsTheBytesAllocatedSinceStartAndKeepsServing()
    {
        await using var gateway = GatewayProcess.Start(LoopbackAnyPort);
        var endPoint = await gateway.ListeningAsync();
        await using var connection = await RawConnection.ConnectAsync(endPoint);

        gateway.SendSignal("USR1");
        var first = Allocated(await gateway.LineAsync(IsAllocationLine));
        for (var i = 0; i < 100; i++)
        {
            await connection.SendAsync("GET /models HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
        }
        var lines = gateway.Log.Count;
        gateway.SendSignal("USR1");
        var second = Allocated(await gateway.LineAsync(IsAllocationLine, lines));

        // Start-up alone allocates (configuration, catalog, server): more than nothing, far less than a gigabyte.
        Assert.InRange(first, 10_000, 1_000_000_000);
        // The counter is the process's total, so it only grows; a hundred requests and a log line cost something.
        Assert.True(second > first, $"{second} after {first}");
    }

    private static bool IsAllocationLine(string line) => line.Contains(" Allocated: ", StringComparison.Ordinal);

    private static long Allocated(string line)
    {
        var from = line.IndexOf(" Allocated: ", StringComparison.Ordinal) + " Allocated: ".Length;
        return long.Parse(line.AsSpan(from, line.IndexOf(" bytes", from, StringComparison.Ordinal) - from), System.Globalization.CultureInfo.InvariantCulture);
    }
}

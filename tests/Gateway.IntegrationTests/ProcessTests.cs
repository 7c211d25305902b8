using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Configuration;

namespace Gateway.IntegrationTests;

/// <summary>The executable itself: --help, configuration errors, and SIGTERM (graceful, exit 0).</summary>
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
}

using System.Security.Cryptography;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>GATEWAY_KEYS_FILE read by the executable: its keys let requests in, a file of another shape stops the start, SIGHUP and a change reload it.</summary>
public sealed class KeysFileProcessTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"gateway-keys-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task TheFilesKeyIsAcceptedBesideGatewayApiKeys()
    {
        var digest = Convert.ToHexStringLower(SHA256.HashData("file-secret"u8));
        await File.WriteAllTextAsync(_file, $$"""{"keys":[{"name":"team","sha256":"{{digest}}","requestsPerMinute":100}]}""");
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["GATEWAY_API_KEYS"] = "env-secret", ["GATEWAY_KEYS_FILE"] = _file,
        });
        var endPoint = await gateway.ListeningAsync();

        foreach (var (key, status) in new[] { ("file-secret", 200), ("env-secret", 200), (digest, 401) })
        {
            Assert.Equal(status, await StatusAsync(endPoint, key));
        }
    }

    [Fact]
    public async Task SighupReloadsTheFileAndAChangedFileTakesEffectWithoutARestart()
    {
        await File.WriteAllTextAsync(_file, KeysReloadTests.Keys(("team", "file-secret", "")));
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["GATEWAY_KEYS_FILE"] = _file,
        });
        var endPoint = await gateway.ListeningAsync();

        // SIGHUP's default action would end the process; here it reads the file again and says so.
        var from = gateway.Log.Count;
        gateway.SendSignal("HUP");
        await gateway.LineAsync(l => l.Contains($"GATEWAY_KEYS_FILE={_file} reloaded: 1 keys (team)", StringComparison.Ordinal), from);
        Assert.Equal(200, await StatusAsync(endPoint, "file-secret"));

        await File.WriteAllTextAsync(_file, KeysReloadTests.Keys(("other", "other-secret", "")));
        await gateway.LineAsync(l => l.Contains("reloaded: 1 keys (other)", StringComparison.Ordinal));
        Assert.Equal(401, await StatusAsync(endPoint, "file-secret"));
        Assert.Equal(200, await StatusAsync(endPoint, "other-secret"));
    }

    [Theory]
    [InlineData("""{"keys":[{"name":"team","sha256":"not-hex"}]}""", "keys[0].sha256 must be 64 hex digits")]
    [InlineData("""{"keys":[{"name":"team","sha256":"ENV"}]}""", "the key of 'team' is given twice (in the file, or also in GATEWAY_API_KEYS)")]
    [InlineData("""{"keys":[{"name":"a","sha256":"FILE"},{"name":"b","sha256":"FILE"}]}""", "the key of 'b' is given twice")]
    public async Task AFileOfAnotherShapeExitsWithCode2SayingWhere(string json, string message)
    {
        await File.WriteAllTextAsync(_file, json
            .Replace("ENV", Convert.ToHexStringLower(SHA256.HashData("env-secret"u8)), StringComparison.Ordinal)
            .Replace("FILE", Convert.ToHexStringLower(SHA256.HashData("file-secret"u8)), StringComparison.Ordinal));
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["GATEWAY_API_KEYS"] = "env-secret", ["GATEWAY_KEYS_FILE"] = _file,
        });

        Assert.Equal(2, await gateway.WaitForExitAsync());
        Assert.Contains(gateway.Log, line => line.Contains($"GATEWAY_KEYS_FILE={_file}: {message}", StringComparison.Ordinal));
    }

    private static async Task<int> StatusAsync(System.Net.IPEndPoint endPoint, string key)
    {
        await using var connection = await RawConnection.ConnectAsync(endPoint);
        await connection.SendAsync($"GET /models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\r\n");
        return (await connection.ReadResponseAsync()).StatusCode;
    }
}

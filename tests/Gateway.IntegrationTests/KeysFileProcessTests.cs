using System.Security.Cryptography;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>GATEWAY_KEYS_FILE read by the executable: its keys let requests in, and a file of another shape stops the start.</summary>
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
            await using var connection = await RawConnection.ConnectAsync(endPoint);
            await connection.SendAsync($"GET /models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\r\n");
            Assert.Equal(status, (await connection.ReadResponseAsync()).StatusCode);
        }
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
}

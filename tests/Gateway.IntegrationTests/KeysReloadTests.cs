using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Http;

namespace Gateway.IntegrationTests;

/// <summary>
/// GATEWAY_KEYS_FILE changed under a running gateway (issue 14): the new keys hold from the next request on, each key's
/// usage carries over by name, and a bad file keeps the keys in force. Each wait is for the reload's own log line.
/// </summary>
public sealed class KeysReloadTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gateway-keys-");
    private readonly LineWriter _log = new();

    private string FilePath => Path.Combine(_directory.FullName, "keys.json");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task AFileReplacedByRenameSwapsTheKeysWithoutARestart()
    {
        await File.WriteAllTextAsync(FilePath, Keys(("team-a", "secret-a", "")));
        await using var log = new GatewayLog(LogLevel.Info, _log);
        await using var host = await StartAsync(log);
        Assert.Equal(200, await StatusAsync(host, "secret-a"));
        Assert.Equal(401, await StatusAsync(host, "secret-b"));

        // As editors and deploy tools do: write another file, then rename it over the old one.
        var next = Path.Combine(_directory.FullName, "keys.json.tmp");
        await File.WriteAllTextAsync(next, Keys(("team-b", "secret-b", "")));
        File.Move(next, FilePath, overwrite: true);
        await _log.LineAsync(l => l.Contains("reloaded: 1 keys (team-b)", StringComparison.Ordinal));

        Assert.Equal(401, await StatusAsync(host, "secret-a"));
        Assert.Equal(200, await StatusAsync(host, "secret-b"));
        Assert.Equal(200, await StatusAsync(host, "env-secret")); // GATEWAY_API_KEYS stay.
    }

    [Fact]
    public async Task AKeysUsageCarriesOverAReloadByItsName()
    {
        await File.WriteAllTextAsync(FilePath, Keys(("team-a", "secret-a", "\"requestsPerMinute\":2")));
        await using var log = new GatewayLog(LogLevel.Info, _log);
        await using var host = await StartAsync(log);
        Assert.Equal(200, await StatusAsync(host, "secret-a"));
        Assert.Equal(200, await StatusAsync(host, "secret-a"));
        Assert.Equal(429, await StatusAsync(host, "secret-a"));

        // Edited in place, with one more key: team-a's last minute is still its last minute.
        await File.WriteAllTextAsync(FilePath, Keys(("team-a", "secret-a", "\"requestsPerMinute\":2"), ("team-c", "secret-c", "\"requestsPerMinute\":2")));
        await _log.LineAsync(l => l.Contains("reloaded: 2 keys (team-a, team-c)", StringComparison.Ordinal));

        Assert.Equal(429, await StatusAsync(host, "secret-a"));
        Assert.Equal(200, await StatusAsync(host, "secret-c"));
    }

    [Fact]
    public async Task ABadFileKeepsTheKeysInForceAndLogsAnError()
    {
        await File.WriteAllTextAsync(FilePath, Keys(("team-a", "secret-a", "")));
        await using var log = new GatewayLog(LogLevel.Info, _log);
        await using var host = await StartAsync(log);

        await File.WriteAllTextAsync(FilePath, """{"keys":[]}""");
        var error = await _log.LineAsync(l => l.Contains("not reloaded", StringComparison.Ordinal));
        Assert.Contains($"error GATEWAY_KEYS_FILE={FilePath} not reloaded, the keys in force stay: no \"keys\" array with at least one key", error, StringComparison.Ordinal);
        Assert.Equal(200, await StatusAsync(host, "secret-a"));
        Assert.Equal(401, await StatusAsync(host, "no-such-key"));

        // The SIGHUP handler's call: the same outcome, reported.
        Assert.False(host.ReloadKeys());
        Assert.Equal(200, await StatusAsync(host, "secret-a"));
    }

    private async Task<GatewayHost> StartAsync(GatewayLog log)
    {
        var apiKeys = new[] { "env-secret" };
        return await GatewayHost.StartAsync(
            new GatewayOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                ApiKeys = apiKeys,
                Keys = KeysFile.Load(FilePath, [.. BearerKeyAuthenticator.Unlimited(apiKeys)]),
                KeysFilePath = FilePath,
                Http = TestServer.FastOptions,
            },
            [new ScriptedModelProvider()],
            log);
    }

    /// <summary>A keys file of (name, secret, more JSON members) entries.</summary>
    internal static string Keys(params (string Name, string Secret, string More)[] keys) =>
        $$"""{"keys":[{{string.Join(',', keys.Select(k =>
            $$"""{"name":"{{k.Name}}","sha256":"{{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(k.Secret)))}}"{{(k.More.Length > 0 ? "," + k.More : "")}}}"""))}}]}""";

    private static async Task<int> StatusAsync(GatewayHost host, string secret) =>
        (await host.GetAsync("/models", $"Authorization: Bearer {secret}\r\n")).StatusCode;
}

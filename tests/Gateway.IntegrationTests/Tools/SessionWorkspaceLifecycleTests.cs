using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Tools;

/// <summary>
/// Issue 14, WORKSPACE_MODE=session with the real executable: what start-up removes from WORKSPACE_ROOT, when it leaves it
/// alone, the directory's mode, and a removal that fails.
/// </summary>
public sealed class SessionWorkspaceLifecycleTests : IDisposable
{
    private const string Swept = "Removed session directories left in WORKSPACE_ROOT by an earlier run.";

    private readonly string _root = Directory.CreateTempSubdirectory("gateway-session-lifecycle-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("gateway-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private GatewayProcess Start(bool keep = false) => GatewayProcess.Start(new Dictionary<string, string>
    {
        ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["MODELS_DIR"] = _outside, ["MOCK_MODELS"] = "m", ["MOCK_TOKENS"] = "1",
        ["WORKSPACE_ROOT"] = _root, ["WORKSPACE_MODE"] = "session", ["WORKSPACE_KEEP"] = keep ? "true" : "false",
    });

    /// <summary>A directory named as the gateway names a session's, as a crash would leave it.</summary>
    private string Leftover()
    {
        var path = Directory.CreateDirectory(Path.Join(_root, Guid.CreateVersion7().ToString())).FullName;
        Directory.CreateDirectory(Path.Join(path, "deep"));
        File.WriteAllText(Path.Join(path, "deep", "f"), "x");
        return path;
    }

    private string[] Entries() => [.. Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public async Task StartUpRemovesOnlyDirectoriesNamedAsSessionsAndFollowsNoLink()
    {
        File.WriteAllText(Path.Join(_outside, "keep.txt"), "not the gateway's");
        var withLinks = Leftover();
        Directory.CreateSymbolicLink(Path.Join(withLinks, "dir"), _outside);
        File.CreateSymbolicLink(Path.Join(withLinks, "file"), Path.Join(_outside, "keep.txt"));
        Leftover();
        string[] kept =
        [
            Directory.CreateDirectory(Path.Join(_root, "notes")).Name,
            Directory.CreateDirectory(Path.Join(_root, Guid.NewGuid().ToString())).Name, // a UUID, but not v7
            Directory.CreateDirectory(Path.Join(_root, Guid.CreateVersion7().ToString().ToUpperInvariant())).Name, // not as the gateway writes it
            Path.GetFileName(File.CreateSymbolicLink(Path.Join(_root, Guid.CreateVersion7().ToString()), _outside).FullName), // a link, not a directory
            Path.GetFileName(WriteFile(Path.Join(_root, Guid.CreateVersion7().ToString()))), // a file
        ];
        File.WriteAllText(Path.Join(_root, "notes", "f"), "x");

        await using var gateway = Start();
        await gateway.ListeningAsync();

        Assert.EndsWith($"{Swept} count=2", gateway.Log.Single(line => line.Contains(Swept, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal([.. kept.Append(SessionWorkspaces.LockFileName).Order(StringComparer.Ordinal)], Entries());
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(_outside).Select(Path.GetFileName));
        Assert.Equal(["f"], Directory.EnumerateFileSystemEntries(Path.Join(_root, "notes")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task StartUpLeavesTheRootAloneWhileAnotherGatewayUsesItAndUnderWorkspaceKeep()
    {
        await using (var first = Start())
        {
            await first.ListeningAsync();
            var live = Leftover(); // as far as a second gateway can tell, one of the first one's sessions

            await using var second = Start();
            await second.ListeningAsync();

            Assert.Contains("Another gateway uses WORKSPACE_ROOT: session directories there are left alone.", string.Join('\n', second.Log), StringComparison.Ordinal);
            Assert.True(Directory.Exists(live));
        }
        // Both were killed (SIGKILL, as a crash would): what they left is kept under WORKSPACE_KEEP, removed without it.
        await using (var keeping = Start(keep: true))
        {
            await keeping.ListeningAsync();
            Assert.DoesNotContain(keeping.Log, line => line.Contains(Swept, StringComparison.Ordinal));
            Assert.Equal(2, Entries().Length);
        }
        await using var sweeping = Start();
        await sweeping.ListeningAsync();
        Assert.EndsWith($"{Swept} count=1", sweeping.Log.Single(line => line.Contains(Swept, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal([SessionWorkspaces.LockFileName], Entries());
    }

    [Fact]
    public async Task TheDirectoryIsTheOwnersOnlyAndAFailedRemovalIsLoggedAndLeavesItsPlaceAlone()
    {
        await using var gateway = Start();
        var url = $"http://{await gateway.ListeningAsync()}";
        // The session puts a file where its directory was: removing a directory there fails, and the file is not the gateway's to delete.
        var request = """
            {"messages":[{"role":"user","content":"/tool bash {\"command\": \"stat -c %a .; d=$PWD; cd / && rm -r $d && echo x > $d\"}"}],"permissions":{"allowlist":[{"tool":"bash"}]}}
            """;

        var (exitCode, stream) = await ClientProcess.RunAsync("curl", "-sSN", "--max-time", "10", "-H", "Content-Type: application/json", "-d", request, url + "/chat");

        Assert.Equal(0, exitCode);
        var events = Mock.MockModels.ParseEvents(stream);
        Assert.Equal("700\n", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("result").GetProperty("stdout").GetString());
        var sessionId = events[0].Field("sessionId")!;
        var warning = await gateway.LineAsync(line => line.Contains("Cannot remove the session's workspace.", StringComparison.Ordinal)).WaitAsync(Patience);
        Assert.Contains($"session_id={sessionId}", warning, StringComparison.Ordinal);
        Assert.Equal("x\n", File.ReadAllText(Path.Join(_root, sessionId)));
    }

    private static string WriteFile(string path)
    {
        File.WriteAllText(path, "");
        return path;
    }
}

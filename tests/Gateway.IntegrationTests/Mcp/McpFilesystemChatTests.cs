using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>server-filesystem (stdio, from npm) confined to the test's directory: it lists what is inside and refuses what is not.</summary>
public sealed class McpFilesystemChatTests
{
    [Fact]
    public async Task TheServerWorksInsideItsDirectoryAndRefusesOutside()
    {
        var model = new ScriptedModelProvider();
        await using var mcp = await McpTestHost.StartAsync(
            McpTestHost.Stdio("files", McpFixtures.Node, [McpFixtures.ServerFilesystem, McpTestHost.DirectoryToken]), model);
        model
            .ThenCalls(
                Call("c1", "mcp__files__list_directory", $$"""{"path":"{{mcp.Directory}}"}"""),
                Call("c2", "mcp__files__read_text_file", """{"path":"/etc/hostname"}"""))
            .ThenText("done");
        await mcp.ReadyAsync("files");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__files__list_directory"},{"tool":"mcp__files__read_text_file"}]}""");
        var results = events.Where(e => e.Name == "tool_result").Select(e => e.Json.GetProperty("output")).ToArray();

        Assert.True(results[0].TryGetProperty("context", out var listed), results[0].GetRawText());
        Assert.Equal("[FILE] mcp.json", listed.GetString());
        Assert.StartsWith("Access denied - path outside allowed directories", results[1].GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}

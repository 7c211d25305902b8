using Gateway.Server.Mcp;

namespace Gateway.Server.Tests.Mcp;

/// <summary>Offered names fit the model APIs' ^[a-zA-Z0-9_-]{1,64}$ and stay unique.</summary>
public sealed class McpToolNamesTests
{
    [Theory]
    [InlineData("everything", "get-sum", "mcp__everything__get-sum")]
    [InlineData("files", "read_text_file", "mcp__files__read_text_file")]
    [InlineData("gh", "repos.list/all", "mcp__gh__repos_list_all")]
    [InlineData("gh", "café ☕", "mcp__gh__caf___")]
    [InlineData("gh", "😀", "mcp__gh____")]
    public void OtherCharactersBecomeUnderscores(string server, string tool, string name) =>
        Assert.Equal(name, McpToolNames.Exposed(server, tool));

    [Fact]
    public void ALongNameIsCutAt64()
    {
        var name = McpToolNames.Exposed("server", new string('t', 128));

        Assert.Equal(McpToolNames.MaxLength, name.Length);
        Assert.Equal("mcp__server__" + new string('t', 64 - 13), name);
    }

    [Fact]
    public void ACollisionGetsTheFirstFreeNumberAndStaysWithin64()
    {
        var taken = new HashSet<string>();
        var longName = McpToolNames.Exposed("s", new string('x', 100));

        Assert.Equal("mcp__s__a_b", McpToolNames.Claim(McpToolNames.Exposed("s", "a.b"), taken));
        Assert.Equal("mcp__s__a_b_2", McpToolNames.Claim(McpToolNames.Exposed("s", "a/b"), taken));
        Assert.Equal("mcp__s__a_b_3", McpToolNames.Claim(McpToolNames.Exposed("s", "a_b"), taken));
        Assert.Equal(longName, McpToolNames.Claim(longName, taken));
        var second = McpToolNames.Claim(longName, taken);
        Assert.Equal(longName[..62] + "_2", second);
        Assert.Equal(64, second.Length);
    }
}

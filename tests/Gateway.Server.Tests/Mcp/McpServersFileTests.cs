using System.Text;
using Gateway.Server.Mcp;

namespace Gateway.Server.Tests.Mcp;

public sealed class McpServersFileTests
{
    private static IReadOnlyList<McpServerConfig> Parse(string json) => McpServersFile.Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>A file with the servers <paramref name="entries"/> (<c>"name":{…}</c>, comma-separated).</summary>
    private static IReadOnlyList<McpServerConfig> File(string entries) => Parse("""{"mcpServers":{""" + entries + "}}");

    private static McpServerConfig Single(string entry) => Assert.Single(File("\"s\":" + entry));

    private static McpServerConfig Named(string name) => Assert.Single(File($"\"{name}\":{{\"command\":\"x\"}}"));

    [Fact]
    public void ReadsADesktopClientsFileWithStdioAndHttpServersIgnoringUnknownKeys()
    {
        var servers = Parse("""
            { // a desktop client's file, with its own keys
              "globalShortcut": "Ctrl+Space",
              "mcpServers": {
                "everything": {"command": "node", "args": ["/opt/mcp/index.js", "stdio"], "env": {"A": "1", "B": ""}, "cwd": "/srv", "network": true, "icon": "x"},
                "remote": {"type": "http", "url": "https://mcp.example/mcp", "headers": {"Authorization": "Bearer k"}, "scope": "session"},
                "off": {"command": "x", "disabled": true},
              }
            }
            """);

        Assert.Equal(["everything", "remote", "off"], servers.Select(s => s.Name));
        var everything = servers[0];
        Assert.Equal(("stdio", "shared", false, null), (everything.Transport, everything.Scope, everything.Disabled, everything.Invalid));
        Assert.Null(everything.Http);
        var stdio = everything.Stdio!;
        Assert.Equal("node", stdio.Command);
        Assert.Equal(["/opt/mcp/index.js", "stdio"], stdio.Args);
        Assert.Equal([new("A", "1"), new("B", "")], stdio.Env);
        Assert.Equal(("/srv", true), (stdio.Cwd, stdio.Network));
        var remote = servers[1];
        Assert.Equal(("http", "session", null), (remote.Transport, remote.Scope, remote.Invalid));
        Assert.Null(remote.Stdio);
        Assert.Equal(new Uri("https://mcp.example/mcp"), remote.Http!.Url);
        Assert.Equal([new("Authorization", "Bearer k")], remote.Http.Headers);
        Assert.True(servers[2].Disabled);
    }

    [Fact]
    public void AMinimalStdioEntryHasNoArgsNoEnvNoCwdAndNoNetwork()
    {
        var stdio = Single("""{"command":"srv"}""").Stdio!;

        Assert.Equal(("srv", null, false), (stdio.Command, stdio.Cwd, stdio.Network));
        Assert.Empty(stdio.Args);
        Assert.Empty(stdio.Env);
    }

    [Fact]
    public void AnEmptyServerListIsValid() => Assert.Empty(Parse("""{"mcpServers":{}}"""));

    [Theory]
    [InlineData("""{"command":"x","url":"http://h/mcp"}""", "$.mcpServers.s has both command and url: a server is stdio or HTTP")]
    [InlineData("""{"args":["a"]}""", "$.mcpServers.s needs a command (stdio) or a url (Streamable HTTP)")]
    [InlineData("""[]""", "$.mcpServers.s must be an object")]
    [InlineData("""{"command":""}""", "$.mcpServers.s.command must be a non-empty string")]
    [InlineData("""{"command":7}""", "$.mcpServers.s.command must be a non-empty string")]
    [InlineData("""{"command":"x","args":"a b"}""", "$.mcpServers.s.args must be an array of strings")]
    [InlineData("""{"command":"x","args":["a",1]}""", "$.mcpServers.s.args[1] must be a string")]
    [InlineData("""{"command":"x","env":{"A":1}}""", "$.mcpServers.s.env.A must be a string")]
    [InlineData("""{"command":"x","env":{"A":"1","A":"2"}}""", "$.mcpServers.s.env.A is given twice")]
    [InlineData("""{"command":"x","env":["A=1"]}""", "$.mcpServers.s.env must be an object of strings")]
    [InlineData("""{"command":"x","cwd":"rel/dir"}""", "$.mcpServers.s.cwd must be an absolute path")]
    [InlineData("""{"command":"x","network":"yes"}""", "$.mcpServers.s.network must be true or false")]
    [InlineData("""{"command":"x","disabled":1}""", "$.mcpServers.s.disabled must be true or false")]
    [InlineData("""{"command":"x","scope":"global"}""", "$.mcpServers.s.scope must be \"shared\" or \"session\"")]
    [InlineData("""{"command":"x","type":"http"}""", "$.mcpServers.s.type \"http\" does not fit its command: only \"stdio\"")]
    [InlineData("""{"url":"http://h/sse","type":"sse"}""", "$.mcpServers.s.type \"sse\" does not fit its url: only \"http\" (Streamable HTTP; the older SSE transport is not supported)")]
    [InlineData("""{"url":"/mcp"}""", "$.mcpServers.s.url must be an absolute http or https URL")]
    [InlineData("""{"url":"ftp://h/mcp"}""", "$.mcpServers.s.url must be an absolute http or https URL")]
    [InlineData("""{"url":"http://h/mcp","headers":{"X":true}}""", "$.mcpServers.s.headers.X must be a string")]
    public void AWrongEntryIsInvalidWithItsReasonAndTheOthersStillLoad(string entry, string reason)
    {
        var servers = File("\"s\":" + entry + ""","good":{"command":"x"}""");

        Assert.Equal(reason, servers[0].Invalid);
        Assert.Equal(McpServerConfig.Shared, servers[0].Scope);
        Assert.Null(servers[0].Stdio);
        Assert.Null(servers[0].Http);
        Assert.Null(servers[1].Invalid);
    }

    [Theory]
    [InlineData("""{"command":"x","type":"stdio"}""", "stdio")]
    [InlineData("""{"url":"http://h/mcp","type":"http"}""", "http")]
    [InlineData("""{"url":"http://h/mcp","type":"streamable-http"}""", "http")]
    [InlineData("""{"url":"http://h/mcp","type":"streamableHttp"}""", "http")]
    public void ATypeThatFitsTheEntryIsAccepted(string entry, string transport)
    {
        var server = Single(entry);

        Assert.Null(server.Invalid);
        Assert.Equal(transport, server.Transport);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("github-2")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWX")]
    public void ANameOfLettersDigitsAndHyphensUpTo24IsValid(string name) =>
        Assert.Null(Named(name).Invalid);

    [Theory]
    [InlineData("")]
    [InlineData("my_server")]
    [InlineData("a.b")]
    [InlineData("a b")]
    [InlineData("é")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXY")]
    public void AnyOtherNameMakesTheEntryInvalid(string name) =>
        Assert.Equal($"$.mcpServers.{name}: a server name is 1 to 24 letters, digits and '-'",
            Named(name).Invalid);

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("[]", "$ must be a JSON object")]
    [InlineData("""{"servers":{}}""", "$.mcpServers is missing")]
    [InlineData("""{"mcpServers":[]}""", "$.mcpServers must be an object")]
    [InlineData("""{"mcpServers":{"a":{"command":"x"},"a":{"command":"y"}}}""", "$.mcpServers.a is given twice")]
    [InlineData("""{"mcpServers":{"a":{"command":"x"}""", "not valid JSON")]
    public void AFileOfAnotherShapeIsRejectedWithWhere(string json, string message) =>
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => Parse(json)).Message);

    [Fact]
    public void LoadNamesTheFileInItsErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mcp-{Guid.NewGuid():N}.json");
        System.IO.File.WriteAllText(path, """{"mcpServers":7}""");
        try
        {
            Assert.Equal($"MCP_SERVERS_FILE {path}: $.mcpServers must be an object", Assert.Throws<McpConfigException>(() => McpServersFile.Load(path)).Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
        Assert.StartsWith($"MCP_SERVERS_FILE {path} cannot be read: ", Assert.Throws<McpConfigException>(() => McpServersFile.Load(path)).Message);
    }
}

using Gateway.Server.Mcp;

namespace Gateway.Server.Tests.Mcp;

public sealed class McpStdioCommandTests
{
    [Fact]
    public void WorkspaceInArgumentsEnvironmentValuesAndCwdIsTheWorkspaceTheServerRunsFor()
    {
        var command = new McpStdioCommand("${WORKSPACE}/bin", ["--root", "${WORKSPACE}", "${WORKSPACE}/a:${WORKSPACE}/b"], [KeyValuePair.Create("${WORKSPACE}", "${WORKSPACE}/data")], "${WORKSPACE}/run", false);

        var run = command.For("/w/s1");

        // The program itself is not rewritten: the entry names what is installed, not what a session made.
        Assert.Equal("${WORKSPACE}/bin", run.Command);
        Assert.Equal(["--root", "/w/s1", "/w/s1/a:/w/s1/b"], run.Args);
        Assert.Equal([KeyValuePair.Create("${WORKSPACE}", "/w/s1/data")], run.Env);
        Assert.Equal("/w/s1/run", run.Cwd);
        Assert.Null((command with { Cwd = null }).For("/w/s1").Cwd);
    }
}

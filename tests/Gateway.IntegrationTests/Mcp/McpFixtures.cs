using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>The MCP servers the tests run: from npm, installed in tests/mcp-servers by <c>npm ci</c> (scripts/test.sh does it); their absence fails a test, never skips it.</summary>
internal static class McpFixtures
{
    private static string Folder => Path.Combine(LocalModelFiles.RepositoryRoot, "tests", "mcp-servers");

    public static string Node => RequiredTool.Path("node", "nodejs");

    /// <summary><c>@modelcontextprotocol/server-everything</c>: <c>node &lt;this&gt; stdio</c>, or <c>streamableHttp</c> on <c>PORT</c>.</summary>
    public static string ServerEverything => Installed("@modelcontextprotocol/server-everything/dist/index.js");

    /// <summary><c>@modelcontextprotocol/server-filesystem</c>: <c>node &lt;this&gt; &lt;allowed directory&gt;…</c>.</summary>
    public static string ServerFilesystem => Installed("@modelcontextprotocol/server-filesystem/dist/index.js");

    /// <summary>tests/mcp-servers/probe.mjs, on the installed <c>@modelcontextprotocol/sdk</c>: tools whose behaviour a test can wait for.</summary>
    public static string Probe
    {
        get
        {
            Installed("@modelcontextprotocol/sdk/package.json");
            return Path.Combine(Folder, "probe.mjs");
        }
    }

    private static string Installed(string module)
    {
        var path = Path.Combine(Folder, "node_modules", module);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run npm ci in tests/mcp-servers (scripts/test.sh does).");
    }
}

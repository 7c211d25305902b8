using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>A long-lived server process (issue 18): stdin open, its own group, only the environment it is given.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void TheEnvironmentIsTheAllowlistHomeAndTheServersOwnWhichWin()
    {
        var environment = ServerProcess.Environment(
            [new("TOKEN", "t"), new("LANG", "C")], "/w", name => name is "PATH" or "LANG" or "OPENAI_API_KEY" ? "gateway-" + name : null);

        Assert.Equal([new("PATH", "gateway-PATH"), new("LANG", "C"), new("HOME", "/w"), new("TOKEN", "t")], environment);
    }

    [Fact]
    public async Task AServerKeepsItsStdinSeesOnlyItsEnvironmentAndDiesWithItsGroup()
    {
        var environment = ServerProcess.Environment([new("MARKER", "m")], _workspace.Root, Environment.GetEnvironmentVariable);
        using var process = await ServerProcess.StartAsync(
            _workspace.Context, ["sh", "-c", "env | sort; echo --; sleep 60 & cat"], environment, network: false, _workspace.Root);
        try
        {
            await process.StandardInput.WriteLineAsync("through stdin");
            await process.StandardInput.FlushAsync();
            var seen = await ReadUntilAsync(process.StandardOutput, "through stdin");

            var variables = seen[..seen.IndexOf("--", StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf('=')]);
            Assert.Subset(new HashSet<string>(["PATH", "LANG", "LC_ALL", "TZ", "TERM", "HOME", "MARKER", "PWD", "SHLVL", "_"]), variables.ToHashSet());
            Assert.Contains("MARKER=m\n", seen, StringComparison.Ordinal);
            Assert.Contains($"HOME={_workspace.Root}\n", seen, StringComparison.Ordinal);
            Assert.Equal(3, HostProcesses.MembersOf(process.Id).Count); // sh, sleep, cat
        }
        finally
        {
            await ServerProcess.KillAsync(process.Id);
        }
        Assert.Empty(HostProcesses.MembersOf(process.Id));
        Assert.True(process.WaitForExit(Bound));
    }

    [Fact]
    public async Task ASandboxedServerReadsItsScriptUnderTmpAndSeesOnlyItsEnvironment()
    {
        var sandbox = SandboxedBashToolTests.NewSandbox();
        using var workspace = new TempWorkspace(sandbox);
        var script = Path.Combine(workspace.Outside, "server.sh");
        File.WriteAllText(script, "env | sort; echo --; exec cat\n");
        var environment = ServerProcess.Environment([new("MARKER", "m")], workspace.Root, Environment.GetEnvironmentVariable);
        using var process = await ServerProcess.StartAsync(workspace.Context, ["sh", script], environment, network: false, workspace.Root);
        try
        {
            await process.StandardInput.WriteLineAsync("through stdin");
            await process.StandardInput.FlushAsync();
            var seen = await ReadUntilAsync(process.StandardOutput, "through stdin");

            Assert.Contains("MARKER=m\n", seen, StringComparison.Ordinal);
            Assert.DoesNotContain("GATEWAY", seen, StringComparison.Ordinal);
        }
        finally
        {
            await ServerProcess.KillAsync(process.Id);
        }
        Assert.True(process.WaitForExit(Bound));
    }

    /// <summary>What <paramref name="reader"/> gives until a line equal to <paramref name="last"/>, within <see cref="Bound"/>.</summary>
    private static async Task<string> ReadUntilAsync(StreamReader reader, string last)
    {
        using var limit = new CancellationTokenSource(Bound);
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line == last)
            {
                return text.ToString();
            }
            text.Append(line).Append('\n');
        }
        throw new InvalidOperationException($"the process ended before '{last}': {text}");
    }
}

using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>The sandbox's command line (issue 14); what it holds when it runs is in <see cref="SandboxedBashToolTests"/>.</summary>
public sealed class BwrapCommandTests
{
    private static BashSandbox Sandbox(int? userBase = null, bool network = false) =>
        new() { MaxProcesses = 50, MaxMemoryMegabytes = 100, CpuSeconds = 7, UserBase = userBase, Network = network };

    [Fact]
    public void ArgumentsSetTheLimitsMountTheTmpfsBeforeTheWorkspaceAndPassOnlyListedVariables()
    {
        var arguments = BwrapCommand.Arguments(new ToolContext("/tmp/ws", Sandbox()), "ls", name => name is "PATH" or "API_KEY" ? "value-of-" + name : null);

        Assert.Equal(
            [
                "prlimit", "--nproc=50:50", "--as=104857600:104857600", "--cpu=7:7",
                "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--bind", "/tmp/ws", "/tmp/ws",
                "--chdir", "/tmp/ws", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
                "--setenv", "HOME", "/tmp/ws", "--setenv", "PATH", "value-of-PATH", "--", "sh", "-c", "ls",
            ],
            arguments);
    }

    [Fact]
    public void AUserBaseDropsToThatUidBeforeAnythingElse()
    {
        var arguments = BwrapCommand.Arguments(new ToolContext("/w", Sandbox(userBase: 5000)), "ls", _ => null);

        Assert.Equal(["setpriv", "--reuid=5000", "--regid=5000", "--clear-groups", "prlimit"], arguments[..5]);
    }

    [Fact]
    public void ASessionsOwnDirectoryIsBoundIntoAnEmptyWorkspaceRoot()
    {
        var context = new ToolContext("/w", Sandbox());
        context.BeginOwn("/w/session-a");

        var arguments = BwrapCommand.Arguments(context, "ls", _ => null);

        var hidden = arguments.IndexOf("/w");
        Assert.Equal(["--tmpfs", "/tmp", "--tmpfs", "/w", "--bind", "/w/session-a", "/w/session-a"], arguments[(hidden - 3)..(hidden + 4)]);
    }

    [Fact]
    public void NetworkSharesTheHostsNetwork()
    {
        Assert.Contains("--share-net", BwrapCommand.Arguments(new ToolContext("/w", Sandbox(network: true)), "ls", _ => null));
        Assert.DoesNotContain("--share-net", BwrapCommand.Arguments(new ToolContext("/w", Sandbox()), "ls", _ => null));
    }

    [Fact]
    public void AWorkingDirectoryInsideTheWorkspaceIsWhereTheCommandStartsWithOnlyTheWorkspaceBound()
    {
        var arguments = BwrapCommand.Arguments(new ToolContext("/w", Sandbox()), "ls", _ => null, "/w/sub");

        var bind = arguments.IndexOf("--bind");
        Assert.Equal(["--bind", "/w", "/w", "--chdir", "/w/sub"], arguments[bind..(bind + 5)]);
    }

    [Fact]
    public void ServerArgumentsRunTheCommandItselfWithNoCpuLimitNoEnvironmentOfTheirOwnAndTmpDirectoriesItNamesReadOnly()
    {
        var arguments = BwrapCommand.ServerArguments(
            new ToolContext("/tmp/ws", Sandbox(network: true)), ["node", "/tmp/npm/node_modules/srv/index.js", "/tmp/npm/data", "/tmp/../tmp/other/x", "/srv/y", "/tmp/"], network: false);

        Assert.Equal(
            [
                "prlimit", "--nproc=50:50", "--as=104857600:104857600",
                "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--ro-bind-try", "/tmp/npm", "/tmp/npm", "--ro-bind-try", "/tmp/other", "/tmp/other",
                "--bind", "/tmp/ws", "/tmp/ws", "--chdir", "/tmp/ws", "--unshare-all", "--die-with-parent", "--new-session",
                "--", "node", "/tmp/npm/node_modules/srv/index.js", "/tmp/npm/data", "/tmp/../tmp/other/x", "/srv/y", "/tmp/",
            ],
            arguments);
    }

    [Fact]
    public void AServersNetworkIsItsOwnAndItsWorkingDirectoryUnderTmpIsBound()
    {
        var context = new ToolContext("/w", Sandbox());

        var arguments = BwrapCommand.ServerArguments(context, ["srv"], network: true, "/tmp/cwd/sub");

        Assert.Contains("--share-net", arguments);
        Assert.Equal(["--ro-bind-try", "/tmp/cwd", "/tmp/cwd", "--bind", "/w", "/w", "--chdir", "/tmp/cwd/sub"], arguments[(arguments.IndexOf("--ro-bind-try"))..(arguments.IndexOf("--chdir") + 2)]);
        Assert.DoesNotContain("--share-net", BwrapCommand.ServerArguments(new ToolContext("/w", Sandbox(network: true)), ["srv"], network: false));
    }
}

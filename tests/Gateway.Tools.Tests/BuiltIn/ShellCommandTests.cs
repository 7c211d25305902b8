using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>What <see cref="ShellCommand"/> adds beside the <c>bash</c> tool built on it (<see cref="BashToolTests"/>): the working directory and its results.</summary>
public sealed class ShellCommandTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task TheCommandStartsInTheGivenDirectory()
    {
        var sub = Directory.CreateDirectory(_workspace.PathOf("sub")).FullName;

        var result = await ShellCommand.RunAsync(_workspace.Context, "pwd; echo oops >&2; exit 4", sub, 10, ToolProgress.None, CancellationToken.None);

        Assert.Equal(new ShellResult(4, sub + "\n", "oops\n", TimedOut: false), result);
    }

    [Fact]
    public async Task AMissingDirectoryMeansTheShellCannotStart()
    {
        var missing = _workspace.PathOf("missing");

        var error = await Assert.ThrowsAsync<ShellStartException>(
            () => ShellCommand.RunAsync(_workspace.Context, "true", missing, 10, ToolProgress.None, CancellationToken.None));

        Assert.StartsWith("Could not start sh through setsid: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKilledCommandReportsNoOutput()
    {
        var result = await ShellCommand.RunAsync(_workspace.Context, "echo partial; sleep 30", _workspace.Root, 0.25, ToolProgress.None, CancellationToken.None);

        Assert.Equal(ShellResult.Killed, result);
    }
}

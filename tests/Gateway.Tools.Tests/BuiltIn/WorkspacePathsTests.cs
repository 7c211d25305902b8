using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

public sealed class WorkspacePathsTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("./src/../src/a.txt", "src/a.txt")]
    [InlineData("new/dir/file.txt", "new/dir/file.txt")]
    [InlineData(".", ".")]
    [InlineData("missing/../b.txt", "b.txt")]
    public void RelativePathsResolveInsideTheWorkspace(string path, string relative)
    {
        Directory.CreateDirectory(_workspace.PathOf("src"));

        Assert.True(WorkspacePaths.TryResolve(_workspace.Context, path, out var fullPath, out var error), error);
        Assert.Equal(relative, WorkspacePaths.ToRelative(_workspace.Context, fullPath));
    }

    [Fact]
    public void AbsolutePathInsideIsAccepted()
    {
        Assert.True(WorkspacePaths.TryResolve(_workspace.Context, _workspace.PathOf("x/y.txt"), out var fullPath, out _));
        Assert.Equal(_workspace.PathOf("x/y.txt"), fullPath);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../outside/x.txt")]
    [InlineData("src/../../ws-sibling.txt")]
    [InlineData("/etc/passwd")]
    public void PathsOutsideAreRefused(string path)
    {
        Assert.False(WorkspacePaths.TryResolve(_workspace.Context, path, out _, out var error));
        Assert.Equal($"Path is outside the workspace: {path}", error);
    }

    [Fact]
    public void SiblingDirectoryWithTheRootAsPrefixIsOutside()
    {
        var sibling = _workspace.Root + "2/a.txt";

        Assert.False(WorkspacePaths.TryResolve(_workspace.Context, sibling, out _, out var error));
        Assert.Equal($"Path is outside the workspace: {sibling}", error);
    }

    [Fact]
    public void DotDotAfterASymlinkIsTheParentOfItsTarget()
    {
        // out -> ../outside/deep: "out/.." is ../outside as the kernel sees it, not the workspace.
        Directory.CreateDirectory(Path.Combine(_workspace.Outside, "deep"));
        Directory.CreateSymbolicLink(_workspace.PathOf("out"), Path.Combine(_workspace.Outside, "deep"));

        Assert.False(WorkspacePaths.TryResolve(_workspace.Context, "out/../x.txt", out _, out var error));
        Assert.Equal("Path is outside the workspace: out/../x.txt", error);
    }

    [Fact]
    public void NewFileUnderASymlinkedDirectoryOutsideIsRefused()
    {
        Directory.CreateSymbolicLink(_workspace.PathOf("out"), _workspace.Outside);

        Assert.False(WorkspacePaths.TryResolve(_workspace.Context, "out/new/file.txt", out _, out var error));
        Assert.Equal("Path is outside the workspace: out/new/file.txt", error);
    }

    [Fact]
    public void DanglingSymlinkIsJudgedByItsTarget()
    {
        File.CreateSymbolicLink(_workspace.PathOf("dangling"), Path.Combine(_workspace.Outside, "not-yet"));

        Assert.False(WorkspacePaths.TryResolve(_workspace.Context, "dangling", out _, out var error));
        Assert.Equal("Path is outside the workspace: dangling", error);
    }

    [Fact]
    public void WorkspaceRootReachedThroughASymlinkIsResolvedToo()
    {
        var link = Path.Combine(_workspace.Base, "ws-link");
        Directory.CreateSymbolicLink(link, _workspace.Root);
        var context = new ToolContext(link);

        Assert.True(WorkspacePaths.TryResolve(context, "a.txt", out var viaLink, out _));
        Assert.True(WorkspacePaths.TryResolve(context, _workspace.PathOf("a.txt"), out var direct, out _));
        Assert.Equal(_workspace.PathOf("a.txt"), viaLink);
        Assert.Equal(viaLink, direct);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void EmptyPathIsAnError(string? path)
    {
        Assert.False(WorkspacePaths.TryResolve(_workspace.Context, path, out _, out var error));
        Assert.Equal("Path must be a non-empty file path", error);
    }
}

using System.Text;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>The patch grammar (malformed input, leniencies, anchors), text conventions and paths outside the workspace.</summary>
public sealed class PatchGrammarTests : IDisposable
{
    private const string Ten = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static string Patch(params string[] lines) => string.Join('\n', lines) + "\n";

    private async Task<string> ReadFirstAsync(string relative, string content)
    {
        var path = _workspace.Write(relative, content);
        var read = await ReadTool.ReadAsync(_workspace.Context, relative);
        Assert.Null(read.Error);
        return path;
    }

    private Task<ToolResult> ApplyAsync(string patch) => PatchTool.ApplyAsync(_workspace.Context, patch).AsTask();

    [Fact]
    public async Task AnchorThatIsNotInTheFileIsAnError()
    {
        await ReadFirstAsync("f.txt", Ten);

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@ class Missing", "-one", "+1", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("Hunk 1 of f.txt: '@@ class Missing' not found in the file"), result);
    }

    [Fact]
    public async Task UnifiedDiffRangeInTheAnchorIsIgnored()
    {
        await ReadFirstAsync("f.txt", Ten);

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@ -2,1 +2,1 @@", "-two", "+2", "*** End Patch"));

        Assert.Null(result.Error);
        Assert.StartsWith("one\n2\nthree\n", _workspace.Read("f.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyLineInAHunkIsAnEmptyContextLine()
    {
        await ReadFirstAsync("f.txt", "a\n\nb\n");

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@", " a", "", "-b", "+B", "*** End Patch"));

        Assert.Null(result.Error);
        Assert.Equal("a\n\nB\n", _workspace.Read("f.txt"));
    }

    [Fact]
    public async Task PatchWithCrLfLineEndingsParses()
    {
        var result = await ApplyAsync("*** Begin Patch\r\n*** Add File: n.txt\r\n+x\r\n*** End Patch\r\n");

        Assert.Equal("Added n.txt", result.Context);
        Assert.Equal("x\n", _workspace.Read("n.txt"));
    }

    [Theory]
    [InlineData("*** Add File: ../escape.txt\n+x", "../escape.txt")]
    [InlineData("*** Add File: /tmp/escape.txt\n+x", "/tmp/escape.txt")]
    [InlineData("*** Update File: link.txt\n@@\n-s\n+x", "link.txt")]
    [InlineData("*** Delete File: link.txt", "link.txt")]
    [InlineData("*** Add File: out/new.txt\n+x", "out/new.txt")]
    public async Task PathsOutsideTheWorkspaceAreRefused(string section, string path)
    {
        var secret = Path.Combine(_workspace.Outside, "secret.txt");
        File.WriteAllText(secret, "s\n");
        File.CreateSymbolicLink(_workspace.PathOf("link.txt"), secret);
        Directory.CreateSymbolicLink(_workspace.PathOf("out"), _workspace.Outside);

        var result = await ApplyAsync($"*** Begin Patch\n{section}\n*** End Patch\n");

        Assert.Equal(ToolResult.Refused($"Path is outside the workspace: {path}"), result);
        Assert.Equal("s\n", File.ReadAllText(secret));
        Assert.Equal(["secret.txt"], Directory.GetFiles(_workspace.Outside).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("", "Patch must start with '*** Begin Patch'")]
    [InlineData("*** Add File: a.txt\n+a\n*** End Patch", "Patch must start with '*** Begin Patch'")]
    [InlineData("*** Begin Patch\n*** Add File: a.txt\n+a", "Patch must end with '*** End Patch'")]
    [InlineData("*** Begin Patch", "Patch must end with '*** End Patch'")]
    [InlineData("*** Begin Patch\n*** End Patch", "Patch contains no file operations")]
    [InlineData("*** Begin Patch\n*** Move File: a.txt\n*** End Patch", "Line 2: unknown patch header '*** Move File: a.txt'")]
    [InlineData("*** Begin Patch\nAdd File: a.txt\n*** End Patch", "Line 2: expected '*** Add File:', '*** Delete File:' or '*** Update File:' but found 'Add File: a.txt'")]
    [InlineData("*** Begin Patch\n*** Add File:   \n*** End Patch", "Line 2: '*** Add File:' names no file")]
    [InlineData("*** Begin Patch\n*** Add File: a.txt\n+a\nb\n*** End Patch", "Line 4: every line of an added file must start with '+' (a.txt)")]
    [InlineData("*** Begin Patch\n*** Delete File: a.txt\n-a\n*** End Patch", "Line 3: nothing may follow '*** Delete File: a.txt'")]
    [InlineData("*** Begin Patch\n*** Update File: a.txt\n*** End Patch", "Line 2: '*** Update File: a.txt' has no '@@' hunk")]
    [InlineData("*** Begin Patch\n*** Update File: a.txt\n-a\n+b\n*** End Patch", "Line 3: expected '@@' to start a hunk of a.txt")]
    [InlineData("*** Begin Patch\n*** Update File: a.txt\n@@\n-a\nb\n*** End Patch", "Line 5: a hunk line must start with ' ', '-' or '+' (a.txt)")]
    [InlineData("*** Begin Patch\n*** Update File: a.txt\n@@\n@@\n-a\n*** End Patch", "Line 3: empty hunk in a.txt")]
    [InlineData("*** Begin Patch\n*** Add File: a.txt\n*** End Patch\n*** Add File: b.txt\n*** End Patch", "Line 3: text follows '*** End Patch'")]
    public async Task MalformedPatchesNameTheProblem(string patch, string error)
    {
        _workspace.Write("a.txt", "a\n");
        _workspace.Context.ReadFiles[_workspace.PathOf("a.txt")] = File.GetLastWriteTimeUtc(_workspace.PathOf("a.txt"));

        var result = await ApplyAsync(patch);

        Assert.Equal(ToolResult.Refused(error), result);
        Assert.Equal("a\n", _workspace.Read("a.txt"));
        Assert.False(File.Exists(_workspace.PathOf("b.txt")));
    }

    [Fact]
    public async Task BlankLinesAroundAndBetweenSectionsAreIgnored()
    {
        var result = await ApplyAsync("\n\n*** Begin Patch\n\n*** Add File: a.txt\n+a\n\n*** Add File: b.txt\n+b\n\n*** End Patch\n\n");

        Assert.Equal("Added a.txt\nAdded b.txt", result.Context);
        Assert.Equal("a\n", _workspace.Read("a.txt"));
    }

    [Fact]
    public async Task CrLfBomAndMissingFinalNewlineArePreserved()
    {
        var path = _workspace.WriteBytes("w.txt", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a\r\nb\r\nc")]);
        await ReadTool.ReadAsync(_workspace.Context, "w.txt");

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: w.txt", "@@", " a", "-b", "+B", "*** End Patch"));

        Assert.Null(result.Error);
        Assert.Equal([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a\r\nB\r\nc")], File.ReadAllBytes(path));
    }

    [Fact]
    public async Task NonUtf8FileIsNotRewritten()
    {
        var path = _workspace.WriteBytes("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x0A]);
        _workspace.Context.ReadFiles[path] = File.GetLastWriteTimeUtc(path);

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: latin1.txt", "@@", "+more", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("Cannot patch latin1.txt: it is not UTF-8 text"), result);
    }

    [Fact]
    public async Task UpdatingADirectoryIsAnError()
    {
        Directory.CreateDirectory(_workspace.PathOf("dir"));

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Delete File: dir", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("dir is a directory"), result);
    }
}

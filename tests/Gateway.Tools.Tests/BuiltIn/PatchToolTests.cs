using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

public sealed class PatchToolTests : IDisposable
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
    public async Task AddCreatesTheFileAndItsDirectories()
    {
        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Add File: src/app/new.txt", "+first", "+", "+ third", "*** End Patch"));

        Assert.Null(result.Error);
        Assert.Equal("Added src/app/new.txt", result.Context);
        Assert.Equal("first\n\n third\n", _workspace.Read("src/app/new.txt"));
    }

    [Fact]
    public async Task AddWithNoLinesCreatesAnEmptyFile()
    {
        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Add File: empty.txt", "*** End Patch"));

        Assert.Equal("Added empty.txt", result.Context);
        Assert.Equal("", _workspace.Read("empty.txt"));
    }

    [Fact]
    public async Task AddRefusesAnExistingFile()
    {
        _workspace.Write("f.txt", "keep\n");

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Add File: f.txt", "+new", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("f.txt already exists"), result);
        Assert.Equal("keep\n", _workspace.Read("f.txt"));
    }

    [Fact]
    public async Task DeleteRemovesAReadFile()
    {
        var path = await ReadFirstAsync("f.txt", "bye\n");

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Delete File: f.txt", "*** End Patch"));

        Assert.Equal("Deleted f.txt", result.Context);
        Assert.False(File.Exists(path));
        Assert.False(_workspace.Context.ReadFiles.ContainsKey(path));
    }

    [Fact]
    public async Task DeleteOfAMissingFileIsNotFound()
    {
        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Delete File: gone.txt", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("File not found: gone.txt"), result);
    }

    [Fact]
    public async Task UpdateAppliesSeveralHunksInOrder()
    {
        await ReadFirstAsync("f.txt", Ten);

        var result = await ApplyAsync(Patch(
            "*** Begin Patch",
            "*** Update File: f.txt",
            "@@",
            " one",
            "-two",
            "+TWO",
            "+two and a half",
            " three",
            "@@",
            " eight",
            "-nine",
            " ten",
            "*** End Patch"));

        Assert.Null(result.Error);
        Assert.Equal("Updated f.txt", result.Context);
        Assert.Equal("one\nTWO\ntwo and a half\nthree\nfour\nfive\nsix\nseven\neight\nten\n", _workspace.Read("f.txt"));
    }

    [Fact]
    public async Task SeveralOperationsReportOneLineEach()
    {
        await ReadFirstAsync("a.txt", "a\n");
        await ReadFirstAsync("b.txt", "b\n");

        var result = await ApplyAsync(Patch(
            "*** Begin Patch",
            "*** Add File: c.txt", "+c",
            "*** Update File: a.txt", "@@", "-a", "+A",
            "*** Delete File: b.txt",
            "*** End Patch"));

        Assert.Equal("Added c.txt\nUpdated a.txt\nDeleted b.txt", result.Context);
    }

    [Fact]
    public async Task UpdateNeedsTheFileReadFirst()
    {
        _workspace.Write("f.txt", Ten);

        var update = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@", "-one", "+ONE", "*** End Patch"));
        var delete = await ApplyAsync(Patch("*** Begin Patch", "*** Delete File: f.txt", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("f.txt must be read before it is updated"), update);
        Assert.Equal(ToolResult.Refused("f.txt must be read before it is deleted"), delete);
        Assert.Equal(Ten, _workspace.Read("f.txt"));
    }

    [Fact]
    public async Task FileChangedSinceItWasReadIsRefused()
    {
        var path = await ReadFirstAsync("f.txt", Ten);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5));

        var update = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@", "-one", "+ONE", "*** End Patch"));
        var delete = await ApplyAsync(Patch("*** Begin Patch", "*** Delete File: f.txt", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("f.txt changed since it was read"), update);
        Assert.Equal(ToolResult.Refused("f.txt changed since it was read"), delete);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task FollowUpPatchNeedsNoNewRead()
    {
        await ReadFirstAsync("f.txt", "a\n");

        await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@", "-a", "+b", "*** End Patch"));
        var second = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@", "-b", "+c", "*** End Patch"));
        await ApplyAsync(Patch("*** Begin Patch", "*** Add File: n.txt", "+1", "*** End Patch"));
        var afterAdd = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: n.txt", "@@", "-1", "+2", "*** End Patch"));

        Assert.Equal("Updated f.txt", second.Context);
        Assert.Equal("c\n", _workspace.Read("f.txt"));
        Assert.Equal("Updated n.txt", afterAdd.Context);
    }

    [Fact]
    public async Task HunkThatDoesNotMatchIsNamedAndNothingChanges()
    {
        await ReadFirstAsync("src/a.cs", Ten);

        var result = await ApplyAsync(Patch(
            "*** Begin Patch", "*** Update File: src/a.cs",
            "@@", "-one", "+ONE",
            "@@", " four", "-FIVE", "+5",
            "*** End Patch"));

        Assert.Equal(ToolResult.Refused("Hunk 2 of src/a.cs does not match the file"), result);
        Assert.Equal(Ten, _workspace.Read("src/a.cs"));
    }

    [Fact]
    public async Task MatchingIsExactIncludingWhitespace()
    {
        await ReadFirstAsync("f.txt", "  indented\n");

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@", "-indented", "+x", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("Hunk 1 of f.txt does not match the file"), result);
    }

    [Fact]
    public async Task RepeatedTextMatchesTheFirstOccurrenceUnlessAnAnchorSaysOtherwise()
    {
        const string Code = "void A()\n{\n    return;\n}\nvoid B()\n{\n    return;\n}\n";
        await ReadFirstAsync("c.cs", Code);

        var first = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: c.cs", "@@", "-    return;", "+    return; // A", "*** End Patch"));
        var anchored = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: c.cs", "@@ void B()", "-    return;", "+    return; // B", "*** End Patch"));

        Assert.Null(first.Error);
        Assert.Null(anchored.Error);
        Assert.Equal("void A()\n{\n    return; // A\n}\nvoid B()\n{\n    return; // B\n}\n", _workspace.Read("c.cs"));
    }

    [Fact]
    public async Task SecondHunkSearchesAfterTheFirst()
    {
        await ReadFirstAsync("f.txt", "x\ny\nx\ny\n");

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@", "-x", "+1", "@@", "-x", "+2", "*** End Patch"));

        Assert.Null(result.Error);
        Assert.Equal("1\ny\n2\ny\n", _workspace.Read("f.txt"));
    }

    [Fact]
    public async Task HunkWithOnlyAddedLinesAppendsOrFollowsItsAnchor()
    {
        await ReadFirstAsync("f.txt", "a\nb\n");

        var result = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: f.txt", "@@ a", "+after a", "@@", "+at end", "*** End Patch"));

        Assert.Null(result.Error);
        Assert.Equal("a\nafter a\nb\nat end\n", _workspace.Read("f.txt"));
    }

    [Fact]
    public async Task LaterFailureLeavesEarlierFilesUntouched()
    {
        await ReadFirstAsync("b.txt", "b\n");
        await ReadFirstAsync("c.txt", "c\n");
        await ReadFirstAsync("d.txt", "d\n");

        var result = await ApplyAsync(Patch(
            "*** Begin Patch",
            "*** Add File: a.txt", "+a",
            "*** Update File: b.txt", "@@", "-b", "+B",
            "*** Delete File: c.txt",
            "*** Update File: d.txt", "@@", "-nope", "+x",
            "*** End Patch"));

        Assert.Equal(ToolResult.Refused("Hunk 1 of d.txt does not match the file"), result);
        Assert.False(File.Exists(_workspace.PathOf("a.txt")));
        Assert.Equal("b\n", _workspace.Read("b.txt"));
        Assert.Equal("c\n", _workspace.Read("c.txt"));
        Assert.Equal("d\n", _workspace.Read("d.txt"));
    }

    [Fact]
    public async Task SameFileTwiceIsRefused()
    {
        await ReadFirstAsync("c.txt", "c\n");

        var result = await ApplyAsync(Patch(
            "*** Begin Patch", "*** Update File: c.txt", "@@", "-c", "+C", "*** Delete File: ./c.txt", "*** End Patch"));

        Assert.Equal(ToolResult.Refused("./c.txt appears more than once in the patch"), result);
        Assert.Equal("c\n", _workspace.Read("c.txt"));
    }

    [Fact]
    public async Task FailingWriteRollsBackEarlierWrites()
    {
        await ReadFirstAsync("a.txt", "a\n");
        _workspace.Write("blocker", "a file where a directory is needed\n");

        var result = await ApplyAsync(Patch(
            "*** Begin Patch",
            "*** Update File: a.txt", "@@", "-a", "+A",
            "*** Add File: fresh/dir/x.txt", "+x",
            "*** Add File: blocker/x.txt", "+x",
            "*** End Patch"));

        Assert.Null(result.Error);
        Assert.StartsWith("Cannot write blocker/x.txt: ", result.Context, StringComparison.Ordinal);
        Assert.EndsWith("; no file was changed", result.Context, StringComparison.Ordinal);
        Assert.Equal("a\n", _workspace.Read("a.txt"));
        Assert.False(Directory.Exists(_workspace.PathOf("fresh")));
        // The restored file keeps its old write time, so the earlier read still counts.
        var retry = await ApplyAsync(Patch("*** Begin Patch", "*** Update File: a.txt", "@@", "-a", "+A", "*** End Patch"));
        Assert.Equal("Updated a.txt", retry.Context);
    }

    [Fact]
    public async Task CancelledBeforeWritingThrowsAndWritesNothing()
    {
        var result = PatchTool.ApplyAsync(
            _workspace.Context, Patch("*** Begin Patch", "*** Add File: a.txt", "+a", "*** End Patch"), new CancellationToken(true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => result.AsTask());
        Assert.False(File.Exists(_workspace.PathOf("a.txt")));
    }
}

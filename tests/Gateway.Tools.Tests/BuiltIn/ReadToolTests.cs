using System.Text;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools.Tests.BuiltIn;

public sealed class ReadToolTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task LinesAreNumberedFromOneAndRightAlignedInFourColumns()
    {
        _workspace.Write("f.txt", "alpha\n  beta\n");

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt");

        Assert.Null(result.Error);
        Assert.Equal("<file path=\"f.txt\" lines=\"1-2\" total=\"2\">\n   1 | alpha\n   2 |   beta\n</file>", result.Context);
        Assert.Null(result.Result);
    }

    [Fact]
    public async Task CrLfIsStrippedAndALastLineWithoutNewlineCounts()
    {
        _workspace.Write("f.txt", "a\r\nb\r\nc");

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt");

        Assert.Equal("<file path=\"f.txt\" lines=\"1-3\" total=\"3\">\n   1 | a\n   2 | b\n   3 | c\n</file>", result.Context);
    }

    [Fact]
    public async Task OffsetIsZeroBasedAndLimitCountsLines()
    {
        _workspace.Write("f.txt", string.Concat(Enumerable.Range(1, 10).Select(i => $"line{i}\n")));

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt", offset: 3, limit: 2);

        Assert.Equal("<file path=\"f.txt\" lines=\"4-5\" total=\"10\">\n   4 | line4\n   5 | line5\n</file>", result.Context);
    }

    [Fact]
    public async Task NumbersWiderThanFourColumnsPushTheSeparatorRight()
    {
        _workspace.Write("f.txt", string.Concat(Enumerable.Range(1, 10001).Select(i => $"{i}\n")));

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt", offset: 9998, limit: 3);

        Assert.Equal("<file path=\"f.txt\" lines=\"9999-10001\" total=\"10001\">\n9999 | 9999\n10000 | 10000\n10001 | 10001\n</file>", result.Context);
    }

    [Fact]
    public async Task LinesOver2000CharactersAreCut()
    {
        _workspace.Write("f.txt", new string('x', 2500) + "\n" + new string('y', 2000) + "\n");

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt");

        var expected = $"<file path=\"f.txt\" lines=\"1-2\" total=\"2\">\n   1 | {new string('x', 2000)} [truncated]\n   2 | {new string('y', 2000)}\n</file>";
        Assert.Equal(expected, result.Context);
    }

    [Fact]
    public async Task OutputIsCappedAt50KBWithANoteOnHowToGoOn()
    {
        // 1000 lines of 100 chars: 108 bytes each once numbered ("   1 | " + 100 + newline), so 474 fit in 50 KB.
        _workspace.Write("f.txt", string.Concat(Enumerable.Range(1, 1000).Select(_ => new string('z', 100) + "\n")));

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt");

        var context = result.Context!;
        var last = 51200 / 108;
        Assert.StartsWith($"<file path=\"f.txt\" lines=\"1-{last}\" total=\"1000\">\n", context);
        Assert.EndsWith($"</file>\n(Output capped at 50 KB: showing lines 1-{last} of 1000. Use offset={last} to read on, or a smaller limit.)", context);
        var body = context[(context.IndexOf('\n') + 1)..context.IndexOf("</file>", StringComparison.Ordinal)];
        Assert.True(Encoding.UTF8.GetByteCount(body) <= 51200);

        var next = await ReadTool.ReadAsync(_workspace.Context, "f.txt", offset: last);
        Assert.StartsWith($"<file path=\"f.txt\" lines=\"{last + 1}-{2 * last}\" total=\"1000\">\n {last + 1} | zzz", next.Context);
    }

    [Fact]
    public async Task EmptyFileHasNoLines()
    {
        _workspace.Write("e.txt", "");

        var result = await ReadTool.ReadAsync(_workspace.Context, "e.txt");

        Assert.Equal("<file path=\"e.txt\" lines=\"0-0\" total=\"0\">\n</file>", result.Context);
    }

    [Fact]
    public async Task OffsetPastTheEndIsAnError()
    {
        _workspace.Write("f.txt", "a\nb\n");

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt", offset: 2);

        Assert.Equal("Offset 2 is past the end of f.txt (2 lines)", result.Error);
        Assert.Empty(_workspace.Context.ReadFiles);
    }

    [Fact]
    public async Task MissingFileIsNotFound()
    {
        var result = await ReadTool.ReadAsync(_workspace.Context, "nope/missing.txt");

        Assert.Equal(ToolResult.Refused("File not found: nope/missing.txt"), result);
    }

    [Fact]
    public async Task DirectoryIsRefused()
    {
        Directory.CreateDirectory(_workspace.PathOf("sub"));

        var result = await ReadTool.ReadAsync(_workspace.Context, "sub");

        Assert.Equal("Cannot read a directory: sub", result.Error);
    }

    [Fact]
    public async Task NulByteInTheFirst8KBMeansBinary()
    {
        _workspace.WriteBytes("b.bin", [0x41, 0x42, 0x00, 0x43]);

        var result = await ReadTool.ReadAsync(_workspace.Context, "b.bin");

        Assert.Equal(ToolResult.Refused("Cannot read binary file: b.bin"), result);
        Assert.Empty(_workspace.Context.ReadFiles);
    }

    [Fact]
    public async Task NulByteAfterTheFirst8KBIsReadAsText()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('a', 8192) + "\n");
        _workspace.WriteBytes("late.txt", [.. bytes, 0x00, 0x0A]);

        var result = await ReadTool.ReadAsync(_workspace.Context, "late.txt");

        Assert.Null(result.Error);
        Assert.Contains("total=\"2\"", result.Context, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pic.png", "image", "image/png", "Image")]
    [InlineData("sub/photo.JPG", "image", "image/jpeg", "Image")]
    [InlineData("a.jpeg", "image", "image/jpeg", "Image")]
    [InlineData("anim.gif", "image", "image/gif", "Image")]
    [InlineData("pic.webp", "image", "image/webp", "Image")]
    [InlineData("doc.pdf", "document", "application/pdf", "Document")]
    public async Task ImagesAndPdfsComeBackAsContentParts(string file, string type, string mediaType, string label)
    {
        byte[] content = [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0xFF];
        _workspace.WriteBytes(file, content);

        var result = await ReadTool.ReadAsync(_workspace.Context, file);

        Assert.Null(result.Error);
        Assert.Equal($"{label} {file} (7 bytes)", result.Context);
        Assert.Equal($$"""[{"type":"{{type}}","mediaType":"{{mediaType}}","data":"{{Convert.ToBase64String(content)}}"}]""", result.Result.ToString());
        Assert.True(_workspace.Context.ReadFiles.ContainsKey(_workspace.PathOf(file)));
    }

    [Fact]
    public async Task MediaOver5MBIsRefused()
    {
        _workspace.WriteBytes("big.png", new byte[(5 * 1024 * 1024) + 1]);

        var result = await ReadTool.ReadAsync(_workspace.Context, "big.png");

        Assert.Equal("File too large to read: big.png (5242881 bytes; images and PDFs are read up to 5 MB)", result.Error);
    }

    [Fact]
    public async Task ReadRecordsTheLastWriteTime()
    {
        var path = _workspace.Write("f.txt", "a\n");
        var written = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);

        await ReadTool.ReadAsync(_workspace.Context, "f.txt");

        Assert.Equal(written, _workspace.Context.ReadFiles[path]);
    }

    [Fact]
    public async Task PathAttributeIsWorkspaceRelativeWhateverTheSpelling()
    {
        var path = _workspace.Write("sub/f.txt", "a\n");

        var absolute = await ReadTool.ReadAsync(_workspace.Context, path);
        var dotted = await ReadTool.ReadAsync(_workspace.Context, "./sub/../sub/f.txt");

        Assert.StartsWith("<file path=\"sub/f.txt\" ", absolute.Context, StringComparison.Ordinal);
        Assert.StartsWith("<file path=\"sub/f.txt\" ", dotted.Context, StringComparison.Ordinal);
        Assert.Single(_workspace.Context.ReadFiles);
    }

    [Fact]
    public async Task DotDotOutOfTheWorkspaceIsRefused()
    {
        File.WriteAllText(Path.Combine(_workspace.Outside, "secret.txt"), "s\n");

        var result = await ReadTool.ReadAsync(_workspace.Context, "../outside/secret.txt");

        Assert.Equal("Path is outside the workspace: ../outside/secret.txt", result.Error);
    }

    [Fact]
    public async Task AbsolutePathOutsideIsRefused()
    {
        var secret = Path.Combine(_workspace.Outside, "secret.txt");
        File.WriteAllText(secret, "s\n");

        var result = await ReadTool.ReadAsync(_workspace.Context, secret);

        Assert.Equal($"Path is outside the workspace: {secret}", result.Error);
    }

    [Fact]
    public async Task SymlinkToAFileOutsideIsRefused()
    {
        var secret = Path.Combine(_workspace.Outside, "secret.txt");
        File.WriteAllText(secret, "s\n");
        File.CreateSymbolicLink(_workspace.PathOf("link.txt"), secret);

        var result = await ReadTool.ReadAsync(_workspace.Context, "link.txt");

        Assert.Equal("Path is outside the workspace: link.txt", result.Error);
        Assert.Empty(_workspace.Context.ReadFiles);
    }

    [Fact]
    public async Task SymlinkedDirectoryOutsideIsRefused()
    {
        File.WriteAllText(Path.Combine(_workspace.Outside, "secret.txt"), "s\n");
        Directory.CreateSymbolicLink(_workspace.PathOf("out"), "../outside");

        var result = await ReadTool.ReadAsync(_workspace.Context, "out/secret.txt");

        Assert.Equal("Path is outside the workspace: out/secret.txt", result.Error);
    }

    [Fact]
    public async Task SymlinkInsideTheWorkspaceIsFollowed()
    {
        var target = _workspace.Write("real/f.txt", "a\n");
        File.CreateSymbolicLink(_workspace.PathOf("alias.txt"), "real/f.txt");

        var result = await ReadTool.ReadAsync(_workspace.Context, "alias.txt");

        Assert.StartsWith("<file path=\"real/f.txt\" ", result.Context, StringComparison.Ordinal);
        Assert.True(_workspace.Context.ReadFiles.ContainsKey(target));
    }

    [Fact]
    public async Task SymlinkLoopIsAnError()
    {
        File.CreateSymbolicLink(_workspace.PathOf("a"), "b");
        File.CreateSymbolicLink(_workspace.PathOf("b"), "a");

        var result = await ReadTool.ReadAsync(_workspace.Context, "a");

        Assert.Equal("Too many levels of symbolic links: a", result.Error);
    }

    [Theory]
    [InlineData(-1, 10, "offset must be 0 or more")]
    [InlineData(0, 0, "limit must be 1 or more")]
    public async Task InvalidWindowIsAnError(int offset, int limit, string error)
    {
        _workspace.Write("f.txt", "a\n");

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt", offset, limit);

        Assert.Equal(error, result.Error);
    }

    [Fact]
    public async Task HugeLimitDoesNotOverflow()
    {
        _workspace.Write("f.txt", "a\nb\n");

        var result = await ReadTool.ReadAsync(_workspace.Context, "f.txt", offset: 1, limit: int.MaxValue);

        Assert.Equal("<file path=\"f.txt\" lines=\"2-2\" total=\"2\">\n   2 | b\n</file>", result.Context);
    }
}

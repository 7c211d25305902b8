using System.Text.Json;

namespace Gateway.Tools.Tests.BuiltIn;

public sealed class ToolPermissionsTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value, BuiltInTestJson.Default.String);

    private static JsonElement PatchArguments(params string[] sections) =>
        Json($$"""{"patch":{{Quote("*** Begin Patch\n" + string.Join('\n', sections) + "\n*** End Patch\n")}}}""");

    private string? Directory(JsonElement arguments)
    {
        var view = Json(ToolPermissions.View("patch", arguments, _workspace.Context).ToString());
        return view.TryGetProperty("directory", out var directory) ? directory.GetString() : null;
    }

    [Theory]
    [InlineData("bash", """{"command":"ls -la","timeout":3}""")]
    [InlineData("read", """{"filePath":"src/a.cs"}""")]
    [InlineData("agent", """{"task":"x"}""")]
    [InlineData("patch", "\"not an object\"")]
    public void ViewOfOtherToolsIsTheArgumentsThemselves(string tool, string arguments)
    {
        Assert.Equal(arguments, ToolPermissions.View(tool, Json(arguments), _workspace.Context).ToString());
    }

    [Fact]
    public void PatchViewAddsTheDirectoryAfterTheArguments()
    {
        var arguments = PatchArguments("*** Add File: src/app/a.cs", "+x");

        var view = ToolPermissions.View("patch", arguments, _workspace.Context).ToString();

        Assert.Equal($$"""{"patch":{{arguments.GetProperty("patch").GetRawText()}},"directory":"src/app/"}""", view);
    }

    [Fact]
    public void PatchDirectoryHoldsEveryTouchedFile()
    {
        System.IO.Directory.CreateDirectory(_workspace.PathOf("src/app/sub"));

        Assert.Equal("src/app/", Directory(PatchArguments("*** Add File: src/app/sub/b.cs", "+x", "*** Delete File: src/app/a.cs")));
        Assert.Equal("src/", Directory(PatchArguments("*** Add File: src/app/a.cs", "+x", "*** Add File: src/lib/b.cs", "+y")));
        Assert.Equal("./", Directory(PatchArguments("*** Add File: src/a.cs", "+x", "*** Add File: test/b.cs", "+y")));
        Assert.Equal("./", Directory(PatchArguments("*** Delete File: README.md")));
        Assert.Equal("src/app/", Directory(PatchArguments("*** Delete File: " + _workspace.PathOf("src/app/a.cs"))));
        Assert.Equal(".github/", Directory(PatchArguments("*** Delete File: .github/ci.yml")));
    }

    [Fact]
    public void PatchDirectoryFollowsSymlinksToWhereTheFilesAre()
    {
        System.IO.Directory.CreateDirectory(_workspace.PathOf("src/app"));
        System.IO.Directory.CreateSymbolicLink(_workspace.PathOf("app"), "src/app");

        Assert.Equal("src/app/", Directory(PatchArguments("*** Add File: app/a.cs", "+x")));
    }

    [Theory]
    [InlineData("""{"patch":"not a patch"}""")]
    [InlineData("""{"patch":"*** Begin Patch\n*** Add File: ../x.cs\n+x\n*** End Patch"}""")]
    [InlineData("""{"patch":42}""")]
    [InlineData("""{"other":"x"}""")]
    public void PatchThatDoesNotParseOrLeavesTheWorkspaceGetsNoDirectory(string arguments)
    {
        Assert.Null(Directory(Json(arguments)));
    }

    [Fact]
    public void DirectoryTheModelSuppliedIsNotTrusted()
    {
        var forged = Json("""{"patch":"*** Begin Patch\n*** Add File: secret/x\n+x\n*** End Patch","directory":"src/app/"}""");
        var unparsable = Json("""{"patch":"nope","directory":"src/app/"}""");

        Assert.Equal("secret/", Directory(forged));
        Assert.Null(Directory(unparsable));
    }

    [Theory]
    [InlineData("""{"command":"git status --short","timeout":30}""", "git **")]
    [InlineData("""{"command":"ls"}""", "ls")]
    [InlineData("""{"command":" leading"}""", " leading")]
    [InlineData("""{"command":""}""", "")]
    public void BashAlwaysRuleDerivesOnlyTheCommand(string arguments, string glob)
    {
        var rule = ToolPermissions.DeriveAlways("bash", Json(arguments), _workspace.Context);

        Assert.Equal([new("command", glob)], rule!);
    }

    [Theory]
    [InlineData("src/app/a.cs", "src/app/**")]
    [InlineData("./src/a.cs", "./src/**")]
    [InlineData("README.md", "**")]
    [InlineData("/abs/ws/x.txt", "/abs/ws/**")]
    public void ReadAlwaysRuleCoversTheFilesDirectory(string filePath, string glob)
    {
        var arguments = Json($$"""{"filePath":{{Quote(filePath)}},"limit":10}""");

        var rule = ToolPermissions.DeriveAlways("read", arguments, _workspace.Context);

        Assert.Equal([new("filePath", glob)], rule!);
    }

    [Fact]
    public void PatchAlwaysRuleIsTheDirectoryAndBelow()
    {
        var inApp = ToolPermissions.DeriveAlways("patch", PatchArguments("*** Add File: src/app/a.cs", "+x"), _workspace.Context);
        var atRoot = ToolPermissions.DeriveAlways("patch", PatchArguments("*** Add File: a.cs", "+x"), _workspace.Context);
        var broken = ToolPermissions.DeriveAlways("patch", Json("""{"patch":"nope"}"""), _workspace.Context);

        Assert.Equal([new("directory", "src/app/**")], inApp!);
        Assert.Equal([new("directory", "./**")], atRoot!);
        // No directory: a rule no view can match, never the generic (too broad) derivation.
        Assert.Equal([new("directory", "")], broken!);
    }

    [Theory]
    [InlineData("agent", """{"task":"x y"}""")]
    [InlineData("bash", """{"timeout":3}""")]
    [InlineData("read", """{"offset":3}""")]
    [InlineData("bash", "[]")]
    public void OtherCasesLeaveTheGenericDerivationToTheServer(string tool, string arguments)
    {
        Assert.Null(ToolPermissions.DeriveAlways(tool, Json(arguments), _workspace.Context));
    }
}

using System.Text.Json;
using Gateway.Tools.BuiltIn;
using BuiltInRegistry = Gateway.Tools.GeneratedToolRegistry;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>The permission hooks the built-in tools declare (SPEC §6), called as the server does: through their generated descriptors.</summary>
public sealed class PermissionHookTests : IDisposable
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

    private static ToolDescriptor Descriptor(string name) => BuiltInRegistry.Descriptors.Single(d => d.Name == name);

    private RawJson View(string tool, JsonElement arguments) => Descriptor(tool).PermissionView!(arguments, _workspace.Context);

    private IReadOnlyList<KeyValuePair<string, string>>? AlwaysRule(string tool, JsonElement arguments) =>
        Descriptor(tool).AlwaysRule!(arguments, _workspace.Context);

    private string? Directory(JsonElement arguments)
    {
        var view = Json(View(PatchTool.Name, arguments).ToString());
        return view.TryGetProperty("directory", out var directory) ? directory.GetString() : null;
    }

    [Fact]
    public void EachBuiltInToolIsRegisteredUnderItsOwnNameWithItsOwnHooks()
    {
        Assert.Equal([BashTool.Name, PatchTool.Name, ReadTool.Name], BuiltInRegistry.Descriptors.Select(d => d.Name));
        // Only patch needs a view; the server matches the others' rules against their arguments.
        Assert.Equal(
            [(BashTool.Name, false, true), (PatchTool.Name, true, true), (ReadTool.Name, false, true)],
            BuiltInRegistry.Descriptors.Select(d => (d.Name, d.PermissionView is not null, d.AlwaysRule is not null)));
    }

    [Fact]
    public void PatchViewOfArgumentsThatAreNotAnObjectIsTheArgumentsThemselves()
    {
        Assert.Equal("\"not an object\"", View(PatchTool.Name, Json("\"not an object\"")).ToString());
    }

    [Fact]
    public void PatchViewAddsTheDirectoryAfterTheArguments()
    {
        var arguments = PatchArguments("*** Add File: src/app/a.cs", "+x");

        var view = View(PatchTool.Name, arguments).ToString();

        Assert.Equal("""{"patch":"*** Begin Patch\n*** Add File: src/app/a.cs\n+x\n*** End Patch\n","directory":"src/app/"}""", view);
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
        var rule = AlwaysRule(BashTool.Name, Json(arguments));

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

        var rule = AlwaysRule(ReadTool.Name, arguments);

        Assert.Equal([new("filePath", glob)], rule!);
    }

    [Fact]
    public void PatchAlwaysRuleIsTheDirectoryAndBelow()
    {
        var inApp = AlwaysRule(PatchTool.Name, PatchArguments("*** Add File: src/app/a.cs", "+x"));
        var atRoot = AlwaysRule(PatchTool.Name, PatchArguments("*** Add File: a.cs", "+x"));
        var broken = AlwaysRule(PatchTool.Name, Json("""{"patch":"nope"}"""));

        Assert.Equal([new("directory", "src/app/**")], inApp!);
        Assert.Equal([new("directory", "./**")], atRoot!);
        // No directory: a rule no view can match, never the generic (too broad) derivation.
        Assert.Equal([new("directory", "")], broken!);
    }

    [Theory]
    [InlineData(BashTool.Name, """{"timeout":3}""")]
    [InlineData(ReadTool.Name, """{"offset":3}""")]
    [InlineData(BashTool.Name, "[]")]
    [InlineData(PatchTool.Name, "[]")]
    public void OtherCasesLeaveTheGenericDerivationToTheServer(string tool, string arguments)
    {
        Assert.Null(AlwaysRule(tool, Json(arguments)));
    }
}

using System.Text.Json;

namespace Gateway.Tools.Tests;

/// <summary>Calls the registry generated from <see cref="SampleTools"/>: schemas, binding and every error message.</summary>
public class GeneratedToolRegistryTests
{
    private static readonly ToolContext Context = new("/workspace");

    [Fact]
    public void DescriptorsAreOrderedByName() =>
        Assert.Equal(
            ["check", "echo", "explode", "explode_async", "ping", "read_lines", "time_out", "wait"],
            GeneratedToolRegistry.Descriptors.Select(d => d.Name));

    [Fact]
    public void DescriptorsHoldTheExactSchemas()
    {
        var echo = Descriptor("echo");
        Assert.Equal("Echoes every argument back.", echo.Description);
        Assert.Equal(
            Json("{'type':'object','properties':{"
                + "'command':{'type':'string','description':'The command to echo.'},"
                + "'count':{'type':'integer','description':'An optional count.'},"
                + "'timeout':{'type':'integer','description':'Seconds before giving up.','default':5,'minimum':1,'maximum':600},"
                + "'offset':{'type':'integer','description':'A 0-based line.','default':0,'minimum':0},"
                + "'ratio':{'type':'number','description':'A ratio.','default':0.5,'minimum':0,'maximum':1},"
                + "'verbose':{'type':'boolean','description':'Whether to say more.','default':false},"
                + "'note':{'type':'string','description':'An optional note.','default':'none'}"
                + "},'required':['command'],'additionalProperties':false}"),
            echo.ParametersSchema.ToString());
        Assert.Equal(
            Json("{'type':'object','properties':{"
                + "'filePath':{'type':'string','description':'The file to read.'},"
                + "'offset':{'type':'integer','description':'The 0-based line to start at.','default':0,'minimum':0},"
                + "'limit':{'type':'integer','description':'The most lines to return.','default':2000,'minimum':1}"
                + "},'required':['filePath'],'additionalProperties':false}"),
            Descriptor("read_lines").ParametersSchema.ToString());
        Assert.Equal(
            Json("{'type':'object','properties':{},'required':[],'additionalProperties':false}"),
            Descriptor("ping").ParametersSchema.ToString());
    }

    [Fact]
    public void DescriptorsAreOneReadOnlyInstance()
    {
        Assert.Same(GeneratedToolRegistry.Descriptors, GeneratedToolRegistry.Descriptors);
        Assert.Throws<NotSupportedException>(() => ((IList<ToolDescriptor>)GeneratedToolRegistry.Descriptors)[0] = Descriptor("ping"));
    }

    [Fact]
    public void DescriptorsCarryTheHooksTheirToolsName()
    {
        using var arguments = JsonDocument.Parse("""{"filePath":"a.txt"}""");
        var readLines = Descriptor("read_lines");

        Assert.Equal("""{"root":"/workspace","arguments":{"filePath":"a.txt"}}""", readLines.PermissionView!(arguments.RootElement, Context).ToString());
        Assert.Equal([new("filePath", "/workspace/a.txt")], readLines.AlwaysRule!(arguments.RootElement, Context)!);
        Assert.All(GeneratedToolRegistry.Descriptors.Where(d => d.Name != "read_lines"), d => Assert.True(d is { PermissionView: null, AlwaysRule: null }));
    }

    [Theory]
    [InlineData("""{"command":"ls"}""", "/workspace|ls|null|5|0|0.5|false|none|token")]
    [InlineData(
        """{"note":"hi","verbose":true,"ratio":0.25,"offset":9000000000,"timeout":600,"count":-3,"command":"pwd"}""",
        "/workspace|pwd|-3|600|9000000000|0.25|true|hi|token")]
    [InlineData(
        """{"command":"ls","count":null,"timeout":null,"offset":null,"ratio":null,"verbose":null,"note":null}""",
        "/workspace|ls|null|5|0|0.5|false|none|token")]
    [InlineData("""{"command":"ls","timeout":7.0,"offset":1e3,"ratio":1}""", "/workspace|ls|null|7|1000|1|false|none|token")]
    [InlineData("""{"comm\u0061nd":"l\u0073","count":0}""", "/workspace|ls|0|5|0|0.5|false|none|token")]
    public async Task EchoBindsArgumentsAndAppliesDefaults(string arguments, string expected)
    {
        var result = await Invoke("echo", arguments);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Context);
    }

    [Theory]
    [InlineData("read_lines", """{"filePath":"a.txt"}""", "a.txt:0+2000")]
    [InlineData("read_lines", """{"filePath":"a.txt","offset":10,"limit":1}""", "a.txt:10+1")]
    [InlineData("ping", "{}", "pong")]
    [InlineData("check", "{}", "ok")]
    public async Task ToolsOfEveryReturnKindAreCalled(string name, string arguments, string expected)
    {
        var result = await Invoke(name, arguments);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Context);
    }

    [Theory]
    [InlineData("echo", "[]", "Arguments must be a JSON object.")]
    [InlineData("echo", "\"ls\"", "Arguments must be a JSON object.")]
    [InlineData("echo", "null", "Arguments must be a JSON object.")]
    [InlineData("ping", "42", "Arguments must be a JSON object.")]
    [InlineData("echo", "{}", "Missing required parameter 'command'.")]
    [InlineData("echo", """{"timeout":5}""", "Missing required parameter 'command'.")]
    [InlineData("read_lines", """{"limit":5}""", "Missing required parameter 'filePath'.")]
    [InlineData("echo", """{"command":null}""", "Parameter 'command' must be a string.")]
    [InlineData("echo", """{"command":1}""", "Parameter 'command' must be a string.")]
    [InlineData("echo", """{"command":["ls"]}""", "Parameter 'command' must be a string.")]
    [InlineData("echo", """{"command":"ls","note":{}}""", "Parameter 'note' must be a string.")]
    [InlineData("echo", """{"command":"ls","timeout":"5"}""", "Parameter 'timeout' must be an integer.")]
    [InlineData("echo", """{"command":"ls","timeout":1.5}""", "Parameter 'timeout' must be an integer.")]
    [InlineData("echo", """{"command":"ls","timeout":true}""", "Parameter 'timeout' must be an integer.")]
    [InlineData("echo", """{"command":"ls","count":2.5}""", "Parameter 'count' must be an integer.")]
    [InlineData("echo", """{"command":"ls","timeout":0}""", "Parameter 'timeout' must be at least 1.")]
    [InlineData("echo", """{"command":"ls","timeout":601}""", "Parameter 'timeout' must be at most 600.")]
    [InlineData("echo", """{"command":"ls","timeout":1e30}""", "Parameter 'timeout' must be at most 600.")]
    [InlineData("echo", """{"command":"ls","count":2147483648}""", "Parameter 'count' must be at most 2147483647.")]
    [InlineData("echo", """{"command":"ls","count":-2147483649}""", "Parameter 'count' must be at least -2147483648.")]
    [InlineData("echo", """{"command":"ls","offset":-1}""", "Parameter 'offset' must be at least 0.")]
    [InlineData("echo", """{"command":"ls","offset":9223372036854775808}""", "Parameter 'offset' must be at most 9223372036854775807.")]
    [InlineData("echo", """{"command":"ls","offset":-1e19}""", "Parameter 'offset' must be at least 0.")]
    [InlineData("read_lines", """{"filePath":"a.txt","limit":0}""", "Parameter 'limit' must be at least 1.")]
    [InlineData("echo", """{"command":"ls","ratio":"half"}""", "Parameter 'ratio' must be a number.")]
    [InlineData("echo", """{"command":"ls","ratio":1.5}""", "Parameter 'ratio' must be at most 1.")]
    [InlineData("echo", """{"command":"ls","ratio":-0.25}""", "Parameter 'ratio' must be at least 0.")]
    [InlineData("echo", """{"command":"ls","verbose":"yes"}""", "Parameter 'verbose' must be a boolean.")]
    [InlineData("echo", """{"command":"ls","verbose":1}""", "Parameter 'verbose' must be a boolean.")]
    [InlineData("echo", """{"command":"ls","x":1}""", "Unknown parameter 'x'.")]
    [InlineData("echo", """{"Command":"ls"}""", "Unknown parameter 'Command'. Missing required parameter 'command'.")]
    [InlineData("ping", """{"x":null}""", "Unknown parameter 'x'.")]
    [InlineData("echo", """{"command":"ls","command":"pwd"}""", "Duplicate parameter 'command'.")]
    [InlineData("echo", """{"command":"ls","note":null,"note":"x"}""", "Duplicate parameter 'note'.")]
    public async Task ArgumentsThatDoNotFitTheSchemaFailWithAnExactMessage(string name, string arguments, string expected)
    {
        var result = await Invoke(name, arguments);

        Assert.Equal(ToolResult.Failure(expected), result);
    }

    [Theory]
    [InlineData("echo", """{"cmd":"ls"}""", "Unknown parameter 'cmd'. Missing required parameter 'command'.")]
    [InlineData("read_lines", """{"path":"a.txt","limit":0}""", "Unknown parameter 'path'. Parameter 'limit' must be at least 1. Missing required parameter 'filePath'.")]
    [InlineData("echo", """{"command":["ls",{"x":[1]}],"x":{"a":[1,{}]},"timeout":"5","command":"pwd","y":null}""",
        "Parameter 'command' must be a string. Unknown parameter 'x'. Parameter 'timeout' must be an integer. Duplicate parameter 'command'. Unknown parameter 'y'.")]
    [InlineData("ping", """{"a":[1,2],"b":{"c":{}}}""", "Unknown parameter 'a'. Unknown parameter 'b'.")]
    public async Task EveryProblemOfTheArgumentsIsNamedInOneError(string name, string arguments, string expected)
    {
        // The model mends everything in its next call instead of meeting one problem per try (issue 11).
        var result = await Invoke(name, arguments);

        Assert.Equal(ToolResult.Failure(expected), result);
    }

    [Fact]
    public async Task DefaultArgumentsAreNotAnObject()
    {
        var result = await GeneratedToolRegistry.InvokeAsync("ping", default, Context, CancellationToken.None);

        Assert.Equal("Arguments must be a JSON object.", result.Error);
    }

    [Fact]
    public async Task AnUnknownToolFails()
    {
        var result = await Invoke("nope", "{}");

        Assert.Equal(ToolResult.Failure("Unknown tool: nope"), result);
    }

    [Theory]
    [InlineData("explode", "explode failed: boom")]
    [InlineData("explode_async", "explode_async failed: late boom")]
    [InlineData("time_out", "time_out failed: A task was canceled.")]
    public async Task AToolThatThrowsFails(string name, string expected)
    {
        var result = await Invoke(name, "{}");

        Assert.Equal(ToolResult.Failure(expected), result);
    }

    [Fact]
    public async Task CancellingARunningCallThrows()
    {
        using var cancellation = new CancellationTokenSource();
        var call = GeneratedToolRegistry.InvokeAsync("wait", RawJson.EmptyObject, Context, cancellation.Token);
        Assert.False(call.IsCompleted);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
    }

    [Theory]
    [InlineData("wait")]
    [InlineData("check")]
    public async Task ACallThatIsAlreadyCancelledThrows(string name)
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await GeneratedToolRegistry.InvokeAsync(name, RawJson.EmptyObject, Context, cancellation.Token));
    }

    // Single quotes keep the expected JSON readable; no expected value contains one.
    private static string Json(string singleQuoted) => singleQuoted.Replace('\'', '"');

    private static ToolDescriptor Descriptor(string name) => Assert.Single(GeneratedToolRegistry.Descriptors, d => d.Name == name);

    // A token that can be cancelled, so the tools can tell it was passed through.
    private static async Task<ToolResult> Invoke(string name, string arguments)
    {
        using var cancellation = new CancellationTokenSource();
        return await GeneratedToolRegistry.InvokeAsync(name, RawJson.Parse(arguments), Context, cancellation.Token);
    }
}

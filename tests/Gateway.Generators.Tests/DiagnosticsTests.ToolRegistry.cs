using Microsoft.CodeAnalysis;

namespace Gateway.Generators.Tests;

public partial class DiagnosticsTests
{
    private const string ToolUsings = """
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Gateway.Tools;

        """;

    [Theory]
    [InlineData("public ToolResult [|Run|]() => default;", "static")]
    [InlineData("private static ToolResult [|Run|]() => default;", "internal or public, in internal or public types")]
    [InlineData("public static ToolResult [|Run|]<T>() => default;", "a non-generic, non-abstract method")]
    public void GW0005_ToolMethodIsNotStaticOrNotCallable(string method, string requirement)
    {
        var (diagnostic, result) = RunTool($$"""
            internal sealed class Tools
            {
                [Tool("run", "Runs.")]
                {{method}}
            }
            """, "GW0005");

        Assert.Equal($"Tool method 'Tools.Run' must be {requirement} so that the generated registry can call it", diagnostic.GetMessage());
        // The registry is still emitted, without the tool, so code using it sees only the GW error.
        Assert.DoesNotContain("Invoke_run", GeneratorHarness.GeneratedSource(result, "GeneratorTests.GeneratedToolRegistry.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void GW0005_ToolMethodInAPrivateTypeIsNotCallable()
    {
        var (diagnostic, _) = RunTool("""
            internal static class Outer
            {
                private static class Tools
                {
                    [Tool("run", "Runs.")]
                    public static ToolResult [|Run|]() => default;
                }
            }
            """, "GW0005");

        Assert.Contains("internal or public", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.DateTime")]
    [InlineData("float")]
    [InlineData("string[]")]
    [InlineData("RawJson")]
    public void GW0006_ToolParameterTypeIsUnsupported(string type)
    {
        var (diagnostic, _) = RunTool($$"""
            internal static class Tools
            {
                [Tool("run", "Runs.")]
                public static ToolResult Run([ToolParameter("A value.")] [|{{type}}|] value) => default;
            }
            """, "GW0006");

        Assert.StartsWith($"Parameter 'value' of tool method 'Tools.Run' has type '", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.EndsWith("which tools cannot take; use string, int, long, double, bool or their nullable forms, passed by value", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("string", "string")]
    [InlineData("void", "void")]
    [InlineData("Task", "System.Threading.Tasks.Task")]
    [InlineData("ValueTask<string>", "System.Threading.Tasks.ValueTask<string>")]
    [InlineData("Task<ToolResult?>", "System.Threading.Tasks.Task<Gateway.Tools.ToolResult?>")]
    public void GW0007_ToolReturnTypeIsUnsupported(string returnType, string shown)
    {
        var (diagnostic, _) = RunTool($$"""
            internal static class Tools
            {
                [Tool("run", "Runs.")]
                public static [|{{returnType}}|] Run() => throw null!;
            }
            """, "GW0007");

        Assert.Equal(
            $"Tool method 'Tools.Run' returns '{shown}'; a tool must return ValueTask<ToolResult>, Task<ToolResult> or ToolResult",
            diagnostic.GetMessage());
    }

    [Fact]
    public void GW0008_ToolNameIsDuplicated()
    {
        var (diagnostic, result) = RunTool("""
            internal static class Tools
            {
                [Tool("run", "Runs.")]
                public static ToolResult Run() => ToolResult.Success("first");
            }

            internal static class OtherTools
            {
                [Tool([|"run"|], "Runs too.")]
                public static ToolResult RunToo() => ToolResult.Success("second");
            }
            """, "GW0008");

        Assert.Equal("'OtherTools.RunToo' uses the tool name 'run', which 'Tools.Run' already uses", diagnostic.GetMessage());
        // The first declaration keeps the name, so the generated switch has no duplicate case.
        var source = GeneratorHarness.GeneratedSource(result, "GeneratorTests.GeneratedToolRegistry.g.cs");
        Assert.Contains("global::Sample.Events.Tools.Run()", source, StringComparison.Ordinal);
        Assert.DoesNotContain("RunToo", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Run")]
    [InlineData("")]
    [InlineData("read-file")]
    [InlineData("1run")]
    [InlineData("_run")]
    [InlineData("read file")]
    public void GW0009_ToolNameIsNotSnakeCase(string name)
    {
        var (diagnostic, _) = RunTool($$"""
            internal static class Tools
            {
                [Tool([|"{{name}}"|], "Runs.")]
                public static ToolResult Run() => default;
            }
            """, "GW0009");

        Assert.Equal($"The tool name '{name}' of 'Tools.Run' must be non-empty lowercase snake_case ([a-z][a-z0-9_]*)", diagnostic.GetMessage());
    }

    [Fact]
    public void GW0010_ToolParameterLacksToolParameterAttribute()
    {
        var (diagnostic, _) = RunTool("""
            internal static class Tools
            {
                [Tool("run", "Runs.")]
                public static ToolResult Run(ToolContext context, [ToolParameter("The command.")] string command, int [|timeout|], CancellationToken cancellationToken) => default;
            }
            """, "GW0010");

        Assert.Equal("Parameter 'timeout' of tool method 'Tools.Run' must be marked [ToolParameter(\"description\")]", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("[ToolParameter(\"The command.\")] string command, [|ToolContext context|]", "context", "ToolContext", "first")]
    [InlineData("[|CancellationToken cancellationToken|], [ToolParameter(\"The command.\")] string command", "cancellationToken", "CancellationToken", "last")]
    [InlineData("ToolContext context, [|ToolContext other|]", "other", "ToolContext", "first")]
    [InlineData("ToolContext context, [ToolParameter(\"The command.\")] string command, [|IToolProgress progress|]", "progress", "IToolProgress", "first after any ToolContext")]
    [InlineData("[ToolParameter(\"The command.\")] string command, [|IToolProgress progress|]", "progress", "IToolProgress", "first after any ToolContext")]
    public void GW0011_InjectedParameterIsInTheWrongPosition(string parameters, string name, string type, string position)
    {
        var (diagnostic, _) = RunTool($$"""
            internal static class Tools
            {
                [Tool("run", "Runs.")]
                public static ToolResult Run({{parameters}}) => default;
            }
            """, "GW0011");

        Assert.Equal($"Parameter '{name}' of tool method 'Tools.Run' is a {type}, which must be the {position} parameter", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("")]
    [InlineData("public static RawJson View(JsonElement arguments) => default;")]
    [InlineData("public static string View(JsonElement arguments, ToolContext context) => \"\";")]
    [InlineData("public static RawJson View(ToolContext context, JsonElement arguments) => default;")]
    [InlineData("public static RawJson View(ref JsonElement arguments, ToolContext context) => default;")]
    [InlineData("public RawJson View(JsonElement arguments, ToolContext context) => default;")]
    [InlineData("private static RawJson View(JsonElement arguments, ToolContext context) => default;")]
    [InlineData("public static RawJson View<T>(JsonElement arguments, ToolContext context) => default;")]
    [InlineData("public static int View;")]
    public void GW0012_PermissionViewHookIsMissingOrOfTheWrongShape(string member)
    {
        var (diagnostic, result) = RunTool($$"""
            internal sealed class Tools
            {
                [Tool("run", "Runs.", PermissionView = [|"View"|])]
                public static ToolResult Run() => default;

                {{member}}
            }
            """, "GW0012");

        Assert.Equal(
            "Tool method 'Tools.Run' names 'View' as its PermissionView hook; 'Tools' must declare it as a static, internal or public method: "
                + "RawJson View(JsonElement arguments, ToolContext context)",
            diagnostic.GetMessage());
        // Left out of the registry like any tool with an error, so the descriptor never holds a hook that does not fit.
        Assert.DoesNotContain("Invoke_run", GeneratorHarness.GeneratedSource(result, "GeneratorTests.GeneratedToolRegistry.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void GW0012_AlwaysRuleHookInAnotherTypeIsNotFound()
    {
        var (diagnostic, _) = RunTool("""
            internal static class Tools
            {
                [Tool("run", "Runs.", AlwaysRule = [|nameof(Rules.Rule)|])]
                public static ToolResult Run() => default;
            }

            internal static class Rules
            {
                public static IReadOnlyList<KeyValuePair<string, string>>? Rule(JsonElement arguments, ToolContext context) => null;
            }
            """, "GW0012");

        Assert.Equal(
            "Tool method 'Tools.Run' names 'Rule' as its AlwaysRule hook; 'Tools' must declare it as a static, internal or public method: "
                + "IReadOnlyList<KeyValuePair<string, string>>? Rule(JsonElement arguments, ToolContext context)",
            diagnostic.GetMessage());
    }

    private static (Diagnostic Diagnostic, GeneratorRunResult Result) RunTool(string markup, string id) =>
        RunExpectingOne(ToolUsings + markup, id, new ToolRegistryGenerator());
}

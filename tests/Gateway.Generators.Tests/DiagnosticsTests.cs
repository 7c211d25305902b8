using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Gateway.Generators.Tests;

/// <summary>One test per diagnostic id; <c>[|…|]</c> in a source marks where the diagnostic must point.</summary>
/// <remarks>The event ids are here; the tool registry's are in <c>DiagnosticsTests.ToolRegistry.cs</c>.</remarks>
public partial class DiagnosticsTests
{
    private const string Path = "Events.cs";

    [Theory]
    [InlineData("""
        [Gateway.Server.Events.ServerEvent("text")]
        internal readonly struct [|TextEvent|]
        {
            public string Content { get; init; }
        }
        """)]
    [InlineData("""
        internal static class [|Events|]
        {
            [Gateway.Server.Events.EventPayload]
            internal readonly partial struct UsagePayload
            {
                public long InputTokens { get; init; }
            }
        }
        """)]
    public void GW0001_TypeIsNotPartial(string markup)
    {
        var (diagnostic, result) = RunExpectingOne(markup, "GW0001");

        Assert.Empty(result.GeneratedSources);
        Assert.Contains("must be declared partial", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void GW0002_PropertyTypeIsUnsupported()
    {
        var (diagnostic, result) = RunExpectingOne("""
            [Gateway.Server.Events.ServerEvent("text")]
            internal readonly partial struct TextEvent
            {
                public string Content { get; init; }
                public System.DateTime [|At|] { get; init; }
            }
            """, "GW0002");

        Assert.Equal(
            "Property 'At' of 'TextEvent' has type 'System.DateTime', which events cannot write; use string, int, long, double, bool, their nullable forms, RawJson or an [EventPayload] struct",
            diagnostic.GetMessage());
        // The rest of the event is still implemented, so the error is the only one the user sees.
        Assert.Single(result.GeneratedSources);
    }

    [Fact]
    public void GW0003_EventTypeNameIsDuplicated()
    {
        var (diagnostic, _) = RunExpectingOne("""
            [Gateway.Server.Events.ServerEvent("text")]
            internal readonly partial struct TextEvent
            {
                public string Content { get; init; }
            }

            [Gateway.Server.Events.ServerEvent([|"text"|])]
            internal readonly partial struct OtherTextEvent
            {
                public string Content { get; init; }
            }
            """, "GW0003");

        Assert.Equal("'OtherTextEvent' uses the event type name 'text', which 'TextEvent' already uses", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Text")]
    [InlineData("")]
    [InlineData("tool-call")]
    [InlineData("1text")]
    [InlineData("_text")]
    [InlineData("tool call")]
    public void GW0004_EventTypeNameIsNotSnakeCase(string name)
    {
        var (diagnostic, _) = RunExpectingOne($$"""
            [Gateway.Server.Events.ServerEvent([|"{{name}}"|])]
            internal readonly partial struct TextEvent
            {
                public string Content { get; init; }
            }
            """, "GW0004");

        Assert.Contains($"'{name}'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    private static (Diagnostic Diagnostic, GeneratorRunResult Result) RunExpectingOne(string markup, string id, IIncrementalGenerator? generator = null)
    {
        var start = markup.IndexOf("[|", StringComparison.Ordinal);
        var end = markup.IndexOf("|]", StringComparison.Ordinal) - 2;
        var source = "namespace Sample.Events;\n\n" + markup.Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal);
        var offset = "namespace Sample.Events;\n\n".Length;

        var (result, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation((Path, source)), generator);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(Path, diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(TextSpan.FromBounds(offset + start, offset + end), diagnostic.Location.SourceSpan);
        return (diagnostic, result);
    }
}

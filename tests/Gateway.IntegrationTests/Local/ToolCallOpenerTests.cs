using Gateway.Server.Providers.Local.Tools;
using LLama.Native;

namespace Gateway.IntegrationTests.Local;

/// <summary>How an auto turn sees the opener in the tokens it samples: by id when the vocabulary has it as one token, else by text.</summary>
public sealed class ToolCallOpenerTests
{
    private static readonly LLamaToken s_pythonTag = (LLamaToken)128010; // Llama 3.1's <|python_tag|>.

    private static readonly ToolCallOpener s_hermes = new("<tool_call>", Token: null, "root ::= \"x\"", ToolCallGrammar.Lead(LocalToolFamily.Hermes));

    [Fact]
    public void AControlTokenOpensTheCallThoughItDecodesToNoText()
    {
        var watch = new ToolCallOpener("<|python_tag|>", s_pythonTag, "root ::= \"x\"", ToolCallGrammar.Lead(LocalToolFamily.Llama3)).Start();
        var text = "";

        Assert.False(Completes(watch, (LLamaToken)90, "Let"));
        Assert.True(watch.Completes(s_pythonTag, ref text, out var rest));
        // The parser reads the opener's text, which the token itself does not print.
        Assert.Equal(("<|python_tag|>", ""), (text, rest));
    }

    [Fact]
    public void AnOpenerWrittenOverSeveralTokensOpensTheCallAtItsLastOne()
    {
        var watch = s_hermes.Start();

        Assert.False(Completes(watch, (LLamaToken)1, "Sure <"));
        Assert.False(Completes(watch, (LLamaToken)2, "tool"));
        Assert.False(Completes(watch, (LLamaToken)3, "_call"));
        var text = ">";
        Assert.True(watch.Completes((LLamaToken)4, ref text, out var rest));
        Assert.Equal((">", ""), (text, rest));
    }

    [Theory]
    [InlineData(">", "", true)]
    [InlineData(">\n", "\n", true)] // Hermes's newline: the grammar lets the call start with or without it.
    [InlineData("> {", " {", false)] // Anything else is already past what the grammar could take back.
    public void TextPastTheOpenerInItsLastTokenDecidesWhetherTheGrammarCanGoOn(string last, string expectedRest, bool continues)
    {
        var watch = s_hermes.Start();
        Assert.False(Completes(watch, (LLamaToken)1, "<tool_call"));

        var text = last;
        Assert.True(watch.Completes((LLamaToken)2, ref text, out var rest));
        Assert.Equal((expectedRest, continues), (rest, s_hermes.Continues(rest)));
    }

    [Fact]
    public void TheGrammarAfterTheOpenerMayStartWithHermessNewline()
    {
        Assert.Equal("\n", ToolCallGrammar.Lead(LocalToolFamily.Hermes));
        Assert.Equal(("", ""), (ToolCallGrammar.Lead(LocalToolFamily.Llama3), ToolCallGrammar.Lead(LocalToolFamily.Mistral)));
    }

    private static bool Completes(ToolCallOpener.Watch watch, LLamaToken token, string text) => watch.Completes(token, ref text, out _);
}

using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Mock;

namespace Gateway.Server.Tests.Providers;

public class MockTextTests
{
    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("   \n\t ", 0)]
    [InlineData("one", 1)]
    [InlineData("  two words  ", 2)]
    [InlineData("a\nb\tc  d", 4)]
    public void WordsAreRunsOfNonWhitespace(string? text, long words) => Assert.Equal(words, MockText.CountWords(text));

    [Fact]
    public void InputTokensCountTheWordsOfEveryMessagesText()
    {
        IReadOnlyList<ChatMessage> messages =
            [ChatMessage.System("Be brief."), ChatMessage.User("What is two plus two?"), ChatMessage.ToolResult("c1", [ContentPart.FromText("4")])];

        Assert.Equal(2 + 5 + 1, MockText.CountInputTokens(messages));
    }

    [Fact]
    public void TheSeedDependsOnModelRolesTextAndCallsAndOnNothingElse()
    {
        var request = new ModelTurnRequest("m", [ChatMessage.User("hi")], []);

        Assert.Equal(MockText.Seed(request), MockText.Seed(request with { Messages = [ChatMessage.User("hi")], Options = new TurnOptions { MaxTokens = 3 } }));
        Assert.NotEqual(MockText.Seed(request), MockText.Seed(request with { Model = "n" }));
        Assert.NotEqual(MockText.Seed(request), MockText.Seed(request with { Messages = [ChatMessage.System("hi")] }));
        Assert.NotEqual(MockText.Seed(request), MockText.Seed(request with { Messages = [ChatMessage.User("h"), ChatMessage.User("i")] }));
    }

    [Fact]
    public void PiecesAreWordsTheFirstWithoutItsLeadingSpace()
    {
        var state = 42UL;
        var first = System.Text.Encoding.UTF8.GetString(MockText.NextPiece(ref state, first: true));
        var pieces = Enumerable.Range(0, 1000).Select(_ => System.Text.Encoding.UTF8.GetString(MockText.NextPiece(ref state, first: false))).ToList();

        Assert.Matches("^[a-z]+$", first);
        Assert.All(pieces, p => Assert.Matches("^ [a-z]+$", p));
        Assert.Equal(64, pieces.Distinct().Count());
    }
}

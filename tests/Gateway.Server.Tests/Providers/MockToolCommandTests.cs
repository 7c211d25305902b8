using Gateway.Server.Conversation;
using Gateway.Server.Providers.Mock;

namespace Gateway.Server.Tests.Providers;

public class MockToolCommandTests
{
    [Theory]
    [InlineData("/tool read {\"path\":\"a.txt\"}", "read", """{"path":"a.txt"}""")]
    [InlineData("  /tool\tbash   { \"command\" : \"ls -l\" }  ", "bash", """{"command":"ls -l"}""")]
    [InlineData("/tool now", "now", "{}")]
    [InlineData("/tool agent\n{\"prompt\":\"two\\nlines\"}", "agent", """{"prompt":"two\nlines"}""")]
    public void ALastUserMessageOfToolNameJsonIsOneCall(string text, string name, string arguments)
    {
        var command = MockToolCommand.Find([ChatMessage.User("earlier"), ChatMessage.User(text)]);

        Assert.NotNull(command);
        Assert.Equal((name, arguments), (command.Name, command.Arguments.ToString()));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("/toolbox read {}")]
    [InlineData("please /tool read {}")]
    [InlineData("")]
    public void OtherTextIsNoCommand(string text) => Assert.Null(MockToolCommand.Find([ChatMessage.User(text)]));

    [Fact]
    public void OnlyTheLastMessageCountsAndOnlyAUsersSoAToolResultEndsTheLoop()
    {
        Assert.Null(MockToolCommand.Find([]));
        Assert.Null(MockToolCommand.Find([ChatMessage.User("/tool read {}"), ChatMessage.User("thanks")]));
        Assert.Null(MockToolCommand.Find([ChatMessage.User("/tool read {}"), ChatMessage.Assistant("", []), ChatMessage.ToolResult("c1", [ContentPart.FromText("/tool read {}")])]));
        Assert.Null(MockToolCommand.Find([ChatMessage.System("/tool read {}")]));
    }

    [Theory]
    [InlineData("/tool", "names no tool")]
    [InlineData("/tool   ", "names no tool")]
    [InlineData("/tool read \"a.txt\"", "has arguments that are not a JSON object: \"a.txt\"")]
    [InlineData("/tool read {\"path\":} trailing", "has arguments that are not a JSON object: {\"path\":} trailing")]
    [InlineData("/tool read {} {}", "has arguments that are not a JSON object: {} {}")]
    public void MalformedCommandsSayWhatIsWrong(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => MockToolCommand.Find([ChatMessage.User(text)]));
        Assert.Equal(reason, error.Message);
    }
}

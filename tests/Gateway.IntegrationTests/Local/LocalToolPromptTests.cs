using Gateway.Server.Conversation;
using Gateway.Server.Providers.Local.Tools;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Local;

/// <summary>Tools offered, calls replayed and results returned in each family's words.</summary>
public class LocalToolPromptTests
{
    private static readonly ToolDefinition[] s_tools =
    [
        new("get_weather", "Weather in a unit.", RawJson.Parse("""{"type": "object", "properties": {"unit": {"enum": ["celsius", "fahrenheit"]}}}""")),
    ];

    private const string ToolJson =
        """{"type":"function","function":{"name":"get_weather","description":"Weather in a unit.","parameters":{"type":"object","properties":{"unit":{"enum":["celsius","fahrenheit"]}}}}}""";

    private static readonly ToolCallRequest s_call = new("abcdefghi", "get_weather", RawJson.Parse("""{"unit": "celsius"}"""));

    [Fact]
    public void HermesOffersToolsAsQwenDoes() => Assert.Equal(
        "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
        + ToolJson
        + "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>",
        LocalToolPrompt.Offer(LocalToolFamily.Hermes, s_tools));

    [Fact]
    public void Llama3OffersToolsAsLlama31Does() => Assert.Equal(
        "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n"
        + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n" + ToolJson + "\n\n",
        LocalToolPrompt.Offer(LocalToolFamily.Llama3, s_tools));

    [Fact]
    public void MistralAndFallbackOffers()
    {
        Assert.Equal("[AVAILABLE_TOOLS] [" + ToolJson + "][/AVAILABLE_TOOLS]", LocalToolPrompt.Offer(LocalToolFamily.Mistral, s_tools));
        Assert.Equal(
            "Tools: <tools>" + ToolJson + "\n</tools>\nTo call one, answer only <tool_call>\n{\"name\": <tool name>, \"arguments\": <arguments object>}\n</tool_call>",
            LocalToolPrompt.Offer(LocalToolFamily.Fallback, s_tools));
    }

    [Theory]
    [InlineData("Hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"celsius\"}}\n</tool_call>", "user", "<tool_response>\n18 \"C\"\n</tool_response>")]
    [InlineData("Fallback", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"celsius\"}}\n</tool_call>", "user", "<tool_response>\n18 \"C\"\n</tool_response>")]
    [InlineData("Llama3", "{\"name\": \"get_weather\", \"parameters\": {\"unit\":\"celsius\"}}", "ipython", "18 \"C\"")]
    [InlineData("Mistral", "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"celsius\"}, \"id\": \"abcdefghi\"}]", "user", "[TOOL_RESULTS] {\"content\": \"18 \\\"C\\\"\", \"call_id\": \"abcdefghi\"}[/TOOL_RESULTS]")]
    public void ReplaysCallsAndResults(string family, string call, string role, string result)
    {
        var parsed = Enum.Parse<LocalToolFamily>(family);

        Assert.Equal(call, LocalToolPrompt.Calls(parsed, [s_call]));
        Assert.Equal((role, result), LocalToolPrompt.Result(parsed, s_call.Id, "18 \"C\""));
    }

    [Fact]
    public void SeveralCallsAreOneMistralListAndOneBlockEachElsewhere()
    {
        ToolCallRequest[] calls = [s_call, s_call with { Id = "abcdefghj", Arguments = RawJson.Parse("""{"unit": "fahrenheit"}""") }];

        Assert.Equal(
            """[TOOL_CALLS] [{"name": "get_weather", "arguments": {"unit":"celsius"}, "id": "abcdefghi"}, {"name": "get_weather", "arguments": {"unit":"fahrenheit"}, "id": "abcdefghj"}]""",
            LocalToolPrompt.Calls(LocalToolFamily.Mistral, calls));
        Assert.Equal(
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"celsius\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"fahrenheit\"}}\n</tool_call>",
            LocalToolPrompt.Calls(LocalToolFamily.Hermes, calls));
    }

    [Fact]
    public void AMistralIdIsNineLettersOrDigitsDerivedFromTheCallId()
    {
        var id = LocalToolPrompt.MistralId("call_0193a1b2c3d4e5f6a7b8c9d0e1f2a3b4");

        Assert.Matches("^[A-Za-z0-9]{9}$", id);
        Assert.Equal(id, LocalToolPrompt.MistralId("call_0193a1b2c3d4e5f6a7b8c9d0e1f2a3b4"));
        Assert.NotEqual(id, LocalToolPrompt.MistralId("call_0193a1b2c3d4e5f6a7b8c9d0e1f2a3b5"));
        Assert.Equal("abcdefghi", LocalToolPrompt.MistralId("abcdefghi"));
        Assert.Matches("^[A-Za-z0-9]{9}$", LocalToolPrompt.MistralId(""));
    }
}

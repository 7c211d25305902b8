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

    private static readonly ToolCallRequest s_call = new("call_1", "get_weather", RawJson.Parse("""{"unit": "celsius"}"""));

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
    [InlineData("Mistral", "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"celsius\"}}]", "user", "[TOOL_RESULTS] {\"content\": \"18 \\\"C\\\"\"}[/TOOL_RESULTS]")]
    public void ReplaysCallsAndResults(string family, string call, string role, string result)
    {
        var parsed = Enum.Parse<LocalToolFamily>(family);

        Assert.Equal(call, LocalToolPrompt.Call(parsed, s_call));
        Assert.Equal((role, result), LocalToolPrompt.Result(parsed, "18 \"C\""));
    }
}

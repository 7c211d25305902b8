using System.Threading.Channels;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local.Tools;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Local;

/// <summary>A required call's grammar per family, and successor-tiny writing a call under it that the family's parser reads.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class ToolCallGrammarTests : IDisposable
{
    private static readonly ToolDefinition[] s_tools =
    [
        new("get_weather", "Weather in a unit.", RawJson.Parse("""{"type": "object", "properties": {"unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["unit"]}""")),
        new("get_time", "The time.", RawJson.Parse("""{"type": "object", "properties": {}}""")),
    ];

    private readonly GrammarDecoder _decoder = new();

    public void Dispose() => _decoder.Dispose();

    [Fact]
    public void HermesGrammarForAnyToolInParallel()
    {
        Assert.Equal(
            """
            call ::= call-get-weather | call-get-time
            call-get-time ::= "{\"name\": \"get_time\", \"arguments\": " call-get-time-args "}"
            call-get-time-args ::= "{" space "}" space
            call-get-weather ::= "{\"name\": \"get_weather\", \"arguments\": " call-get-weather-args "}"
            call-get-weather-args ::= "{" space call-get-weather-args-unit-kv "}" space
            call-get-weather-args-unit ::= ("\"celsius\"" | "\"fahrenheit\"") space
            call-get-weather-args-unit-kv ::= "\"unit\"" space ":" space call-get-weather-args-unit
            root ::= call "\n</tool_call>" ("\n<tool_call>\n" call "\n</tool_call>")*
            space ::= ""
            """,
            ToolCallGrammar.For(LocalToolFamily.Hermes, s_tools, parallel: true));
    }

    [Fact]
    public void Llama3AndMistralGrammarsForOneTool()
    {
        var llama3 = ToolCallGrammar.For(LocalToolFamily.Llama3, [s_tools[1]], parallel: false);
        var mistral = ToolCallGrammar.For(LocalToolFamily.Mistral, [s_tools[1]], parallel: true);

        Assert.Contains("call ::= call-get-time\n", llama3);
        Assert.Contains("call-get-time ::= \"{\\\"name\\\": \\\"get_time\\\", \\\"parameters\\\": \" call-get-time-args \"}\"\n", llama3);
        Assert.EndsWith("root ::= call\nspace ::= \"\"", llama3);
        Assert.Contains("root ::= \" [\" call (\", \" call)* \"]\"\n", mistral);
        Assert.DoesNotContain("get_weather", mistral);
    }

    [Fact]
    public void AfterAnOpenerTheModelWroteAHermesCallMayStartWithTheNewline()
    {
        Assert.Contains("\nroot ::= \"\\n\"? call \"\\n</tool_call>\"\n", ToolCallGrammar.For(LocalToolFamily.Hermes, s_tools, parallel: false, afterOpener: true));
        Assert.Contains("\nroot ::= \" [\" call \"]\"\n", ToolCallGrammar.For(LocalToolFamily.Mistral, s_tools, parallel: false, afterOpener: true));
    }

    [Fact]
    public void NoToolIsRefused() =>
        Assert.Throws<ArgumentException>(() => ToolCallGrammar.For(LocalToolFamily.Hermes, [], parallel: false));

    [Fact]
    public void SuccessorTinyWritesTheRequiredCallAndTheParserReadsIt()
    {
        // The prompt ends with the opener (design §1.5): the grammar applies from the first generated token.
        var grammar = ToolCallGrammar.For(LocalToolFamily.Fallback, [s_tools[0]], parallel: false);

        var (text, ended) = _decoder.Generate(grammar, maxTokens: 96, prompt: "<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n");

        Assert.True(ended);
        // No whitespace inside the arguments: the one form the prompt replays the call in (LocalToolPrompt.Calls).
        Assert.Equal("{\"name\": \"get_weather\", \"arguments\": {\"unit\":\"fahrenheit\"}}\n</tool_call>", text);
        var channel = Channel.CreateUnbounded<ProviderEvent>();
        var parser = new ToolCallTextParser(LocalToolFamily.Fallback, new ChannelTurnSink(channel.Writer));
        parser.Push("<tool_call>\n" + text);
        parser.Flush();
        var events = new List<ProviderEvent>();
        while (channel.Reader.TryRead(out var item))
        {
            events.Add(item);
        }
        var call = Assert.Single(events, e => e.Kind == ProviderEventKind.ToolCall).ToolCall!;
        Assert.Equal(("get_weather", "{\"unit\":\"fahrenheit\"}", null), (call.Name, call.Arguments.ToString(), call.InvalidArguments));
        Assert.DoesNotContain(events, e => e.Kind == ProviderEventKind.TextDelta);
    }
}

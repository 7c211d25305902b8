using System.Text;
using System.Threading.Channels;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local.Tools;

namespace Gateway.IntegrationTests.Local;

/// <summary>Each family's call syntax, on answers as real models write them, fed whole, one character at a time and in threes.</summary>
public class ToolCallParserTests
{
    public static TheoryData<int> Pieces => [0, 1, 3];

    [Theory]
    [MemberData(nameof(Pieces))]
    public void HermesCallsAfterText(int piece)
    {
        // Qwen 2.5 / Hermes 2 Pro: one <tool_call> block per call (NousResearch Hermes-Function-Calling).
        const string answer = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"CET\"}}\n</tool_call>";

        var (events, calls) = Parse(LocalToolFamily.Hermes, answer, piece);

        Assert.Equal(
            "text:Let me check.\n|start:0:get_weather|args:0:{\"city\": \"Paris\", \"unit\": \"celsius\"}|call:0:get_weather:{\"city\":\"Paris\",\"unit\":\"celsius\"}"
            + "|start:1:get_time|args:1:{\"zone\": \"CET\"}|call:1:get_time:{\"zone\":\"CET\"}",
            events);
        Assert.Equal(2, calls);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void HermesTextAfterACallAndTagsThatAreNotCalls(int piece)
    {
        const string answer = "Use <tool> or <tool_call> tags.<tool_call>{\"arguments\": {}, \"name\": \"ls\"}</tool_call> Done <tool_ca";

        var (events, calls) = Parse(LocalToolFamily.Hermes, answer, piece);

        Assert.Equal("text:Use <tool> or <tool_call> tags.|start:0:ls|args:0:{}|call:0:ls:{}|text:Done <tool_ca", events);
        Assert.Equal(1, calls);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void FallbackReadsHermesSyntaxWithArgumentsAsAString(int piece)
    {
        const string answer = "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}</tool_call>";

        var (events, _) = Parse(LocalToolFamily.Fallback, answer, piece);

        Assert.Equal("start:0:f|args:0:{\"a\": 1}|call:0:f:{\"a\":1}", events);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Llama3BareCallWithParameters(int piece)
    {
        // Llama 3.1 JSON tool calling: the whole answer is the call, its arguments under "parameters" (llama.com prompt format).
        const string answer = "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"San Francisco\"}}";

        var (events, calls) = Parse(LocalToolFamily.Llama3, answer, piece);

        Assert.Equal("start:0:get_weather|args:0:{\"city\": \"San Francisco\"}|call:0:get_weather:{\"city\":\"San Francisco\"}", events);
        Assert.Equal(1, calls);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Llama3PythonTagCall(int piece)
    {
        const string answer = "<|python_tag|>{\"name\": \"search\", \"parameters\": {\"query\": \"llama {3}\"}}";

        var (events, _) = Parse(LocalToolFamily.Llama3, answer, piece);

        Assert.Equal("start:0:search|args:0:{\"query\": \"llama {3}\"}|call:0:search:{\"query\":\"llama {3}\"}", events);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Llama3AnswerThatIsNotACallIsText(int piece)
    {
        const string answer = "  {\"nam\": 1} is JSON";

        var (events, calls) = Parse(LocalToolFamily.Llama3, answer, piece);

        Assert.Equal("text:  {\"nam\": 1} is JSON", events);
        Assert.Equal(0, calls);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void MistralListOfCalls(int piece)
    {
        // Mistral v3 / Nemo: one list after [TOOL_CALLS], each call with a nine-character id (Mistral's tokenizer docs).
        const string answer = "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abcdefghi\"}, "
            + "{\"name\": \"get_time\", \"arguments\": {}, \"id\": \"bcdefghij\"}]";

        var (events, calls) = Parse(LocalToolFamily.Mistral, answer, piece);

        Assert.Equal(
            "start:0:get_weather|args:0:{\"city\": \"Paris\"}|call:0:get_weather:{\"city\":\"Paris\"}|start:1:get_time|args:1:{}|call:1:get_time:{}",
            events);
        Assert.Equal(2, calls);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void MistralNameArgsCalls(int piece)
    {
        // Mistral v7 / tekken templates: [TOOL_CALLS]name[ARGS]{…}, once per call.
        const string answer = "Sure.[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]get_time[ARGS]{}";

        var (events, calls) = Parse(LocalToolFamily.Mistral, answer, piece);

        Assert.Equal("text:Sure.|start:0:get_weather|args:0:{\"city\": \"Paris\"}|call:0:get_weather:{\"city\":\"Paris\"}|start:1:get_time|args:1:{}|call:1:get_time:{}", events);
        Assert.Equal(2, calls);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void MalformedArgumentsAreReportedAsInvalid(int piece)
    {
        const string answer = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"unit\": celsius}}</tool_call>";

        var (events, _) = Parse(LocalToolFamily.Hermes, answer, piece);

        Assert.Equal("start:0:get_weather|args:0:{\"unit\": celsius}|invalid:0:get_weather:{\"unit\": celsius}", events);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void ACallCutOffCompletesAsInvalid(int piece)
    {
        const string answer = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"unit\": \"cel";

        var (events, calls) = Parse(LocalToolFamily.Hermes, answer, piece);

        Assert.Equal("start:0:get_weather|args:0:{\"unit\": \"cel|invalid:0:get_weather:{\"unit\": \"cel", events);
        Assert.Equal(1, calls);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void AnOpenerWithoutANamedCallIsGivenBackAsText(int piece)
    {
        const string answer = "<tool_call>{\"arguments\": {}}</tool_call> and [TOOL_CALLS] none";

        var (hermes, _) = Parse(LocalToolFamily.Hermes, answer, piece);
        var (mistral, calls) = Parse(LocalToolFamily.Mistral, "[TOOL_CALLS] none\n", piece);

        Assert.Equal("text:<tool_call>{\"arguments\": {}}</tool_call> and [TOOL_CALLS] none", hermes);
        Assert.Equal("text:[TOOL_CALLS] none\n", mistral);
        Assert.Equal(0, calls);
    }

    /// <summary>Feeds <paramref name="answer"/> in pieces of <paramref name="piece"/> characters (0: whole); renders the events with text and argument pieces joined.</summary>
    private static (string Events, int Calls) Parse(LocalToolFamily family, string answer, int piece)
    {
        var channel = Channel.CreateUnbounded<ProviderEvent>();
        var parser = new ToolCallTextParser(family, new ChannelTurnSink(channel.Writer));
        var size = piece == 0 ? answer.Length : piece;
        for (var at = 0; at < answer.Length; at += size)
        {
            parser.Push(answer.Substring(at, Math.Min(size, answer.Length - at)));
        }
        parser.Flush();
        channel.Writer.Complete();

        var rendered = new List<string>();
        var ids = new Dictionary<int, string>();
        while (channel.Reader.TryRead(out var item))
        {
            var (kind, text) = item.Kind switch
            {
                ProviderEventKind.TextDelta => ("text", item.Text!),
                ProviderEventKind.ToolCallStart => ($"start:{item.Index}", item.ToolCall!.Name),
                ProviderEventKind.ToolArguments => ($"args:{item.Index}", item.Text!),
                ProviderEventKind.ToolCall when item.ToolCall!.InvalidArguments is { } invalid => ($"invalid:{item.Index}", item.ToolCall.Name + ":" + invalid),
                ProviderEventKind.ToolCall => ($"call:{item.Index}", item.ToolCall!.Name + ":" + Encoding.UTF8.GetString(item.ToolCall.Arguments.Utf8.Span)),
                _ => throw new InvalidOperationException($"Unexpected {item.Kind}"),
            };
            if (item.Kind is ProviderEventKind.ToolCallStart or ProviderEventKind.ToolCall)
            {
                // The streamed start and the completed call carry the same id.
                Assert.Equal(ids.TryAdd(item.Index, item.ToolCall!.Id) ? item.ToolCall.Id : ids[item.Index], item.ToolCall!.Id);
            }
            var joins = item.Kind is ProviderEventKind.TextDelta or ProviderEventKind.ToolArguments;
            if (joins && rendered.Count > 0 && rendered[^1].StartsWith(kind + ":", StringComparison.Ordinal))
            {
                rendered[^1] += text;
                continue;
            }
            rendered.Add(kind + ":" + text);
        }
        return (string.Join("|", rendered), parser.Calls);
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Server.Events;
using Gateway.Tools;

namespace Gateway.Server.Tests.Events;

/// <summary>The serializers Gateway.Generators emitted for Gateway.Server's events, called for real (SPEC §5).</summary>
public class GeneratedEventTests
{
    private const int Iterations = 10_000;

    private static readonly RawJson Command = RawJson.Parse("""{ "command": "ls -la" }""");
    private static readonly RawJson Output = RawJson.Parse("""{"context":"stdout:\n…\nexit code: 0","result":{"exitCode":0,"stdout":"…","stderr":""}}""");

    [Fact]
    public void Connected() =>
        AssertFrame(new ConnectedEvent { SessionId = "S" }, "connected", """{"type":"connected","sessionId":"S"}""");

    [Fact]
    public void ConnectedOfASummaryEchoesTheSourceIds() =>
        AssertFrame(
            new ConnectedEvent { SessionId = "S", SourceIds = RawJson.Parse("""[ "s1", "s2" ]""") },
            "connected",
            """{"type":"connected","sessionId":"S","sourceIds":["s1","s2"]}""");

    [Fact]
    public void HarnessStartWithoutOptionalFields() =>
        AssertFrame(
            new HarnessStartEvent { RunId = "A1", AgentId = "G1" },
            "harness_start",
            """{"type":"harness_start","runId":"A1","agentId":"G1"}""");

    [Fact]
    public void HarnessStartWithEveryOptionalField() =>
        AssertFrame(
            new HarnessStartEvent { RunId = "A2", AgentId = "G2", ParentId = "A1/call_1", Depth = 1, MaxIterations = 25 },
            "harness_start",
            """{"type":"harness_start","runId":"A2","agentId":"G2","parentId":"A1/call_1","depth":1,"maxIterations":25}""");

    [Fact]
    public void Text() =>
        AssertFrame(
            new TextEvent { RunId = "P1", Id = "T1", ParentId = "A1", Content = "Let me look", AgentId = "G1" },
            "text",
            """{"type":"text","runId":"P1","id":"T1","parentId":"A1","content":"Let me look","agentId":"G1"}""");

    [Fact]
    public void TextOfACallNoAgentMadeHasNoParentOrAgent() =>
        AssertFrame(
            new TextEvent { RunId = "P1", Id = "T1", Content = "They agreed." },
            "text",
            """{"type":"text","runId":"P1","id":"T1","content":"They agreed."}""");

    [Fact]
    public void Reasoning() =>
        AssertFrame(
            new ReasoningEvent { RunId = "P1", Id = "R1", ParentId = "A1", Content = "The user wants a listing.", AgentId = "G1" },
            "reasoning",
            """{"type":"reasoning","runId":"P1","id":"R1","parentId":"A1","content":"The user wants a listing.","agentId":"G1"}""");

    [Fact]
    public void ToolCallWithoutParentWritesTheInputRaw() =>
        AssertFrame(
            new ToolCallEvent { RunId = "A1", Id = "A1/call_1", Name = "bash", Input = Command, AgentId = "G1" },
            "tool_call",
            """{"type":"tool_call","runId":"A1","id":"A1/call_1","name":"bash","input":{"command":"ls -la"},"agentId":"G1"}""");

    [Fact]
    public void ToolCallWithParent() =>
        AssertFrame(
            new ToolCallEvent { RunId = "A2", Id = "A2/call_9", ParentId = "A1/call_1", Name = "bash", Input = Command, AgentId = "G2" },
            "tool_call",
            """{"type":"tool_call","runId":"A2","id":"A2/call_9","parentId":"A1/call_1","name":"bash","input":{"command":"ls -la"},"agentId":"G2"}""");

    [Fact]
    public void ToolResultWithoutParentWritesTheOutputRaw() =>
        AssertFrame(
            new ToolResultEvent { RunId = "A1", Id = "A1/call_1", Name = "bash", Output = Output, AgentId = "G1" },
            "tool_result",
            """{"type":"tool_result","runId":"A1","id":"A1/call_1","name":"bash","output":{"context":"stdout:\n…\nexit code: 0","result":{"exitCode":0,"stdout":"…","stderr":""}},"agentId":"G1"}""");

    [Fact]
    public void ToolResultWithParent() =>
        AssertFrame(
            new ToolResultEvent { RunId = "A2", Id = "A2/call_9", ParentId = "A1/call_1", Name = "bash", Output = RawJson.Parse("""{"status":"denied"}"""), AgentId = "G2" },
            "tool_result",
            """{"type":"tool_result","runId":"A2","id":"A2/call_9","parentId":"A1/call_1","name":"bash","output":{"status":"denied"},"agentId":"G2"}""");

    [Fact]
    public void RelayWithoutParentStartsWithItsKind() =>
        AssertFrame(
            new RelayEvent { RunId = "A1", Id = "R1", ToolCallId = "A1/call_1", Tool = "bash", Params = Command, AgentId = "G1" },
            "relay",
            """{"type":"relay","kind":"permission","runId":"A1","id":"R1","toolCallId":"A1/call_1","tool":"bash","params":{"command":"ls -la"},"agentId":"G1"}""");

    [Fact]
    public void RelayWithParent() =>
        AssertFrame(
            new RelayEvent { RunId = "A2", Id = "R2", ParentId = "A1/call_1", ToolCallId = "A2/call_9", Tool = "bash", Params = Command, AgentId = "G2" },
            "relay",
            """{"type":"relay","kind":"permission","runId":"A2","id":"R2","parentId":"A1/call_1","toolCallId":"A2/call_9","tool":"bash","params":{"command":"ls -la"},"agentId":"G2"}""");

    [Fact]
    public void UsageWithoutOptionalFields() =>
        AssertFrame(
            new UsageEvent { RunId = "P1", ParentId = "A1", InputTokens = 900, OutputTokens = 31, AgentId = "G1" },
            "usage",
            """{"type":"usage","runId":"P1","parentId":"A1","inputTokens":900,"outputTokens":31,"agentId":"G1"}""");

    [Fact]
    public void UsageOfACallNoAgentMadeHasNoParentOrAgent() =>
        AssertFrame(
            new UsageEvent { RunId = "P1", InputTokens = 900, OutputTokens = 31 },
            "usage",
            """{"type":"usage","runId":"P1","inputTokens":900,"outputTokens":31}""");

    [Fact]
    public void UsageWithEveryOptionalField() =>
        AssertFrame(
            new UsageEvent
            {
                RunId = "P1",
                ParentId = "A1",
                InputTokens = 9_000_000_000,
                OutputTokens = 31,
                CacheReadTokens = 0,
                CacheCreationTokens = 2048,
                AgentId = "G1",
            },
            "usage",
            """{"type":"usage","runId":"P1","parentId":"A1","inputTokens":9000000000,"outputTokens":31,"cacheReadTokens":0,"cacheCreationTokens":2048,"agentId":"G1"}""");

    [Fact]
    public void HarnessEndWithoutOptionalFields() =>
        AssertFrame(
            new HarnessEndEvent { RunId = "A1", AgentId = "G1" },
            "harness_end",
            """{"type":"harness_end","runId":"A1","agentId":"G1"}""");

    [Fact]
    public void HarnessEndWithEveryOptionalFieldNestsTotalUsage() =>
        AssertFrame(
            new HarnessEndEvent
            {
                RunId = "A2",
                AgentId = "G2",
                ParentId = "A1/call_1",
                Reason = "max_iterations",
                Iterations = 25,
                TotalUsage = new UsagePayload { InputTokens = 1800, OutputTokens = 62, CacheReadTokens = 512, CacheCreationTokens = 64 },
            },
            "harness_end",
            """{"type":"harness_end","runId":"A2","agentId":"G2","parentId":"A1/call_1","reason":"max_iterations","iterations":25,"totalUsage":{"inputTokens":1800,"outputTokens":62,"cacheReadTokens":512,"cacheCreationTokens":64}}""");

    [Fact]
    public void HarnessEndOmitsNullFieldsInsideTotalUsage() =>
        AssertFrame(
            new HarnessEndEvent { RunId = "A1", AgentId = "G1", TotalUsage = new UsagePayload { InputTokens = 900, OutputTokens = 31 } },
            "harness_end",
            """{"type":"harness_end","runId":"A1","agentId":"G1","totalUsage":{"inputTokens":900,"outputTokens":31}}""");

    [Fact]
    public void ErrorOfTheSessionCarriesOnlyTheMessage() =>
        AssertFrame(new ErrorEvent { Message = "upstream unavailable" }, "error", """{"type":"error","message":"upstream unavailable"}""");

    [Fact]
    public void ErrorInsideARunCarriesItsIds() =>
        AssertFrame(
            new ErrorEvent { RunId = "A1", AgentId = "G1", ParentId = "A0/call_3", Message = "tool crashed" },
            "error",
            """{"type":"error","runId":"A1","agentId":"G1","parentId":"A0/call_3","message":"tool crashed"}""");

    [Fact]
    public void ReplInputOfAChildRunCarriesItsParent() =>
        AssertFrame(
            new ReplInputEvent { RunId = "R2", Id = "I1", ParentId = "I0", Code = "print(context.length)", Iteration = 0, AgentId = "G1" },
            "repl_input",
            """{"type":"repl_input","runId":"R2","id":"I1","parentId":"I0","code":"print(context.length)","iteration":0,"agentId":"G1"}""");

    [Fact]
    public void ReplProgress() =>
        AssertFrame(
            new ReplProgressEvent { RunId = "R1", Id = "I1", Chunk = "a 1\n", Stream = "stderr", AgentId = "G1" },
            "repl_progress",
            """{"type":"repl_progress","runId":"R1","id":"I1","chunk":"a 1\n","stream":"stderr","agentId":"G1"}""");

    [Fact]
    public void ReplOutputOmitsErrorAndTruncatedWhenAbsent() =>
        AssertFrame(
            new ReplOutputEvent { RunId = "R1", Id = "I1", Stdout = "42", Done = true, Iteration = 2, DurationMs = 17, AgentId = "G1" },
            "repl_output",
            """{"type":"repl_output","runId":"R1","id":"I1","stdout":"42","done":true,"iteration":2,"durationMs":17,"agentId":"G1"}""");

    [Fact]
    public void ReplOutputWithEveryOptionalField() =>
        AssertFrame(
            new ReplOutputEvent
            {
                RunId = "R2",
                Id = "I1",
                ParentId = "I0",
                Stdout = "x",
                Error = "ReferenceError: y is not defined",
                Done = false,
                Iteration = 0,
                DurationMs = 3,
                Truncated = true,
                AgentId = "G1",
            },
            "repl_output",
            """{"type":"repl_output","runId":"R2","id":"I1","parentId":"I0","stdout":"x","error":"ReferenceError: y is not defined","done":false,"iteration":0,"durationMs":3,"truncated":true,"agentId":"G1"}""");

    [Fact]
    public void StringsAreEscapedAsJsonStringifySoTheFrameStaysThreeLines()
    {
        const string content = "He said \"hi\"\nthen\r\nleft\t\u0001\u001f </script> & 'x' + \\ / café 日本 😀 \u2028";
        var frame = Frame(new TextEvent { RunId = "P1", Id = "T1", ParentId = "A1", Content = content, AgentId = "G1" });

        Assert.Equal(
            "event: text\ndata: " +
            """{"type":"text","runId":"P1","id":"T1","parentId":"A1","content":"He said \"hi\"\nthen\r\nleft\t\u0001\u001f </script> & 'x' + \\ / café 日本 😀 \u2028","agentId":"G1"}""" +
            "\n\n",
            frame);
        Assert.Equal(["event: text", frame.Split('\n')[1], "", ""], frame.Split('\n'));
        Assert.DoesNotContain('\r', frame);

        using var data = JsonDocument.Parse(frame.Split('\n')[1]["data: ".Length..]);
        Assert.Equal(content, data.RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public void EventTypeIsTheJsonTypeAndTheSseEventName()
    {
        Assert.Equal("connected"u8, ConnectedEvent.EventType);
        Assert.Equal("harness_start"u8, HarnessStartEvent.EventType);
        Assert.Equal("text"u8, TextEvent.EventType);
        Assert.Equal("reasoning"u8, ReasoningEvent.EventType);
        Assert.Equal("tool_call"u8, ToolCallEvent.EventType);
        Assert.Equal("tool_result"u8, ToolResultEvent.EventType);
        Assert.Equal("relay"u8, RelayEvent.EventType);
        Assert.Equal("usage"u8, UsageEvent.EventType);
        Assert.Equal("harness_end"u8, HarnessEndEvent.EventType);
        Assert.Equal("error"u8, ErrorEvent.EventType);
    }

    [Fact]
    public void WritingFramesAllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);

        // Warm up so tiering, static constructors, the thread's writer and the encoder's caches are settled.
        for (var i = 0; i < 5; i++)
        {
            WriteMixedFrames(output, Iterations / 10);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var written = WriteMixedFrames(output, Iterations);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(written > 0);
        Assert.Equal(0, allocated);
    }

    /// <summary>Encoded once: a delta's UTF-8 comes from the upstream's buffer, not from a string per frame.</summary>
    private static readonly Utf8Text MixedContent = "Let me look at \"that\" </script> 😀";

    private static long WriteMixedFrames(ArrayBufferWriter<byte> output, int count)
    {
        var text = new TextEvent { RunId = "P1", Id = "T1", ParentId = "A1", Content = MixedContent, AgentId = "G1" };
        var result = new ToolResultEvent { RunId = "A1", Id = "A1/call_1", ParentId = "A0/call_2", Name = "bash", Output = Output, AgentId = "G1" };
        var usage = new UsageEvent { RunId = "P1", ParentId = "A1", InputTokens = 900, OutputTokens = 31, CacheReadTokens = 12, AgentId = "G1" };
        var end = new HarnessEndEvent { RunId = "A1", AgentId = "G1", Iterations = 3, TotalUsage = new UsagePayload { InputTokens = 1800, OutputTokens = 62 } };
        long written = 0;
        for (var i = 0; i < count; i++)
        {
            output.ResetWrittenCount();
            text.WriteSseFrame(output);
            result.WriteSseFrame(output);
            usage.WriteSseFrame(output);
            end.WriteSseFrame(output);
            written += output.WrittenCount;
        }
        return written;
    }

    private static void AssertFrame<TEvent>(TEvent serverEvent, string type, string json)
        where TEvent : struct, IServerEvent
    {
        Assert.Equal($"event: {type}\ndata: {json}\n\n", Frame(serverEvent));
        Assert.Equal(type, Encoding.UTF8.GetString(TEvent.EventType));

        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            serverEvent.WriteJson(writer);
        }
        Assert.Equal(json, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    private static string Frame<TEvent>(TEvent serverEvent)
        where TEvent : struct, IServerEvent
    {
        var output = new ArrayBufferWriter<byte>();
        serverEvent.WriteSseFrame(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}

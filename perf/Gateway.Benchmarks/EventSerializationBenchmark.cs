using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Gateway.Server.Events;
using Gateway.Tools;

namespace Gateway.Benchmarks;

/// <summary>One SSE event frame written by the Gateway.Generators serializer and by System.Text.Json's source generator.</summary>
/// <remarks>
/// Both sides write byte-identical frames (checked in <see cref="Setup"/>) into the same reused output,
/// through a reused <see cref="Utf8JsonWriter"/> with the same options as <see cref="EventJsonWriter"/>.
/// System.Text.Json cannot put a <c>"type"</c> member first in a struct's object without polymorphism,
/// which needs a base type and boxes the struct; so the baseline serializes into a reused scratch buffer
/// and copies the object after its <c>{</c> behind a prefix that already holds <c>{"type":"…",</c>. That
/// copy (100–300 bytes) is the only work the baseline does that the generated code does not.
/// The baseline context registers the RawJson converter, which turns off System.Text.Json's fast path
/// for every type in it; the FastPath methods use a context without it where no RawJson is involved.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EventSerializationBenchmark
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JsonStringEncoder.Instance, SkipValidation = true };

    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly ArrayBufferWriter<byte> _scratch = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly TextEvent _text;
    private readonly ToolResultEvent _toolResult;
    private readonly UsageEvent _usage;

    public EventSerializationBenchmark()
    {
        _writer = new Utf8JsonWriter(_scratch, WriterOptions);
        _text = new TextEvent
        {
            RunId = "019abf3c-5d2e-7c41-9a8b-3f6e2d1c0b9a",
            Id = "019abf3c-5d31-7f02-8c1d-6a5b4e3f2d1c",
            ParentId = "019abf3c-5a10-7b3e-9f2a-1c0d9e8f7a6b",
            Content = "Let me look at the failing test first, then \"fix\" it.",
            AgentId = "019abf3c-59ff-7d4c-8e1f-0a9b8c7d6e5f",
        };
        _toolResult = new ToolResultEvent
        {
            RunId = "019abf3c-5a10-7b3e-9f2a-1c0d9e8f7a6b",
            Id = "019abf3c-5a10-7b3e-9f2a-1c0d9e8f7a6b/call_Xy12",
            Name = "bash",
            Output = RawJson.Parse("""{"context":"stdout:\ntotal 16\ndrwxr-xr-x 4 user user 4096 .\n-rw-r--r-- 1 user user 512 README.md\nexit code: 0","result":{"exitCode":0,"stdout":"total 16\ndrwxr-xr-x 4 user user 4096 .\n-rw-r--r-- 1 user user 512 README.md\n","stderr":""}}"""),
            AgentId = "019abf3c-59ff-7d4c-8e1f-0a9b8c7d6e5f",
        };
        _usage = new UsageEvent
        {
            RunId = "019abf3c-5d2e-7c41-9a8b-3f6e2d1c0b9a",
            ParentId = "019abf3c-5a10-7b3e-9f2a-1c0d9e8f7a6b",
            InputTokens = 18_342,
            OutputTokens = 311,
            CacheReadTokens = 16_384,
            AgentId = "019abf3c-59ff-7d4c-8e1f-0a9b8c7d6e5f",
        };
    }

    [GlobalSetup]
    public void Setup()
    {
        Check(GeneratedText, SystemTextJsonText);
        Check(GeneratedText, SystemTextJsonFastPathText);
        Check(GeneratedToolResult, SystemTextJsonToolResult);
        Check(GeneratedUsage, SystemTextJsonUsage);
        Check(GeneratedUsage, SystemTextJsonFastPathUsage);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Text")]
    public int SystemTextJsonText() =>
        WriteWithSystemTextJson(_text, EventSerializationJsonContext.Default.TextEvent, "event: text\ndata: {\"type\":\"text\","u8);

    [Benchmark, BenchmarkCategory("Text")]
    public int SystemTextJsonFastPathText() =>
        WriteWithSystemTextJson(_text, EventSerializationFastPathJsonContext.Default.TextEvent, "event: text\ndata: {\"type\":\"text\","u8);

    [Benchmark, BenchmarkCategory("Text")]
    public int GeneratedText()
    {
        _output.ResetWrittenCount();
        _text.WriteSseFrame(_output);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("ToolResult")]
    public int SystemTextJsonToolResult() =>
        WriteWithSystemTextJson(_toolResult, EventSerializationJsonContext.Default.ToolResultEvent, "event: tool_result\ndata: {\"type\":\"tool_result\","u8);

    [Benchmark, BenchmarkCategory("ToolResult")]
    public int GeneratedToolResult()
    {
        _output.ResetWrittenCount();
        _toolResult.WriteSseFrame(_output);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Usage")]
    public int SystemTextJsonUsage() =>
        WriteWithSystemTextJson(_usage, EventSerializationJsonContext.Default.UsageEvent, "event: usage\ndata: {\"type\":\"usage\","u8);

    [Benchmark, BenchmarkCategory("Usage")]
    public int SystemTextJsonFastPathUsage() =>
        WriteWithSystemTextJson(_usage, EventSerializationFastPathJsonContext.Default.UsageEvent, "event: usage\ndata: {\"type\":\"usage\","u8);

    [Benchmark, BenchmarkCategory("Usage")]
    public int GeneratedUsage()
    {
        _output.ResetWrittenCount();
        _usage.WriteSseFrame(_output);
        return _output.WrittenCount;
    }

    private int WriteWithSystemTextJson<TEvent>(TEvent serverEvent, JsonTypeInfo<TEvent> typeInfo, ReadOnlySpan<byte> prefix)
    {
        _output.ResetWrittenCount();
        _scratch.ResetWrittenCount();
        _writer.Reset(_scratch);
        JsonSerializer.Serialize(_writer, serverEvent, typeInfo);
        _writer.Flush();
        _output.Write(prefix);
        _output.Write(_scratch.WrittenSpan[1..]);
        _output.Write("\n\n"u8);
        return _output.WrittenCount;
    }

    private void Check(Func<int> generated, Func<int> systemTextJson)
    {
        generated();
        var expected = _output.WrittenSpan.ToArray();
        systemTextJson();
        if (!expected.AsSpan().SequenceEqual(_output.WrittenSpan))
        {
            throw new InvalidOperationException(
                $"The two serializers write different frames:\n{System.Text.Encoding.UTF8.GetString(expected)}\n{System.Text.Encoding.UTF8.GetString(_output.WrittenSpan)}");
        }
    }
}

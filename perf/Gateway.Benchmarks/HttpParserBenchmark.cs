using System.Buffers;
using BenchmarkDotNet.Attributes;
using Gateway.Benchmarks.Mocks;
using Gateway.Server.Http;
using Gateway.Server.Primitives;

namespace Gateway.Benchmarks;

/// <summary>Request line and header section parsing, the first thing every request costs.</summary>
[MemoryDiagnoser]
public class HttpParserBenchmark
{
    // A pipe's first read usually holds the whole head; four segments forces every straddled line
    // through the copy-to-stack slow path (each is under LineCopy.StackLimit, so nothing is rented).
    private const int SegmentCount = 4;

    private const int MaxRequestLineBytes = 8 * 1024;

    private readonly ParsedHead _head = new();
    private ReadOnlySequence<byte> _chatPost;
    private ReadOnlySequence<byte> _healthGet;
    private ReadOnlySequence<byte> _chatPostMultiSegment;

    [GlobalSetup]
    public void Setup()
    {
        _chatPost = new ReadOnlySequence<byte>(RequestPayloads.ChatPost);
        _healthGet = new ReadOnlySequence<byte>(RequestPayloads.HealthGet);
        _chatPostMultiSegment = BufferSegment.Split(RequestPayloads.ChatPost, SegmentCount);

        // A benchmark of a parse that fails, or stops early, measures nothing useful.
        Verify(ChatPost(), RequestPayloads.ChatPostHeaderCount, RequestMethod.Post);
        Verify(HealthGet(), RequestPayloads.HealthGetHeaderCount, RequestMethod.Get);
        Verify(ChatPostMultiSegment(), RequestPayloads.ChatPostHeaderCount, RequestMethod.Post);
    }

    [Benchmark]
    public int ChatPost() => Parse(_chatPost);

    [Benchmark]
    public int HealthGet() => Parse(_healthGet);

    [Benchmark]
    public int ChatPostMultiSegment() => Parse(_chatPostMultiSegment);

    private int Parse(in ReadOnlySequence<byte> buffer)
    {
        _head.Reset();
        var handler = new CountingHandler(_head);
        var reader = new SequenceReader<byte>(buffer);
        if (!HttpParser.TryParseRequestLine(ref reader, ref handler, MaxRequestLineBytes)
            || !HttpParser.TryParseHeaders(ref reader, ref handler))
        {
            throw new InvalidOperationException("The payload's head is incomplete.");
        }
        return _head.HeaderCount;
    }

    private void Verify(int headerCount, int expectedHeaders, RequestMethod expectedMethod)
    {
        if (headerCount != expectedHeaders || _head.Method != expectedMethod)
        {
            throw new InvalidOperationException(
                $"Parsed {_head.Method} with {headerCount} headers; expected {expectedMethod} with {expectedHeaders}.");
        }
    }
}

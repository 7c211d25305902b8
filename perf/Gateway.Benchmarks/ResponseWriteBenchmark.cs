using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Server.Http;
using Gateway.Server.Primitives;

namespace Gateway.Benchmarks;

/// <summary>A complete 200 JSON response (head and a small body), written by the server's own ResponseHead.</summary>
/// <remarks>
/// Both methods produce the same bytes into the same reused output, so the ratio is what writing
/// through <see cref="BufferWriter{T}"/> buys over building a string and encoding it. The baseline is
/// given the same advantage as the server (a date formatted once, not per response), so it pays only
/// for the concatenation and the encoding.
/// </remarks>
[MemoryDiagnoser]
public class ResponseWriteBenchmark
{
    private static ReadOnlySpan<byte> Body => """{"status":"ok"}"""u8;

    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly DateHeader _date = new();
    private string _dateValue = null!;
    private string _bodyText = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The baseline's date is the value of the same header the server would send, without "Date: " and CRLF.
        var line = Encoding.ASCII.GetString(_date.Line);
        _dateValue = line["Date: ".Length..^2];
        _bodyText = Encoding.UTF8.GetString(Body);

        GatewayBufferWriter();
        var gateway = _output.WrittenSpan.ToArray();
        StringConcat();
        if (!gateway.AsSpan().SequenceEqual(_output.WrittenSpan))
        {
            throw new InvalidOperationException("The two writers produce different responses.");
        }
    }

    [Benchmark(Baseline = true)]
    public int StringConcat()
    {
        _output.ResetWrittenCount();
        var response = "HTTP/1.1 200 OK\r\n"
            + "Date: " + _dateValue + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: " + Body.Length + "\r\n"
            + "\r\n"
            + _bodyText;
        _output.Write(Encoding.UTF8.GetBytes(response));
        return _output.WrittenCount;
    }

    [Benchmark]
    public int GatewayBufferWriter()
    {
        _output.ResetWrittenCount();
        ResponseHead.Write(_output, 200, _date.Line, ContentTypes.Json, Body.Length, default, default);
        // As in HttpConnection.WriteBody: the body goes straight to the output once the head is committed.
        _output.Write(Body);
        return _output.WrittenCount;
    }
}

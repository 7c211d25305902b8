using Gateway.Server.Http;
using Gateway.Server.Primitives;

namespace Gateway.Benchmarks.Mocks;

/// <summary>
/// The parser callbacks as a readonly struct (STYLE §10), so the benchmark measures the parser with
/// its calls devirtualised and nothing boxed, as Kestrel's HttpParserBenchmark does with its Adapter.
/// </summary>
internal readonly struct CountingHandler(ParsedHead head) : IHttpRequestLineHandler, IHttpHeadersHandler
{
    public void OnStartLine(RequestMethod method, HttpVersion version, TargetForm form, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query)
    {
        head.Method = method;
        head.PathLength = path.Length;
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => head.HeaderCount++;
}

using Gateway.Server.Http;
using Gateway.Server.Primitives;

namespace Gateway.Server.Tests;

/// <summary>
/// Writes each parser callback into <paramref name="log"/> as text. The parser takes the handler by
/// ref, so the record lives in a reference-type sink that every copy of the struct shares.
/// </summary>
internal readonly struct RecordingHandler(List<string> log) : IHttpRequestLineHandler, IHttpHeadersHandler
{
    public void OnStartLine(RequestMethod method, HttpVersion version, TargetForm form, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query) =>
        log.Add($"{method} {version} {form} {TestSequence.Text(path)}" + (query.IsEmpty ? "" : $" ?{TestSequence.Text(query)}"));

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        log.Add($"{TestSequence.Text(name)}: '{TestSequence.Text(value)}'");
}

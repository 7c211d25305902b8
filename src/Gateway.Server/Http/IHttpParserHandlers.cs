using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>Receives the parts of a request line. Implemented by a struct so calls devirtualise.</summary>
internal interface IHttpRequestLineHandler
{
    /// <param name="path">The path as sent (still percent-encoded); "/" for an asterisk or authority form.</param>
    /// <param name="query">What follows the target's "?" as sent (RFC 3986 §3.4), or empty.</param>
    void OnStartLine(RequestMethod method, HttpVersion version, TargetForm form, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query);
}

/// <summary>Receives header (or trailer) field lines, already split and trimmed.</summary>
internal interface IHttpHeadersHandler
{
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}

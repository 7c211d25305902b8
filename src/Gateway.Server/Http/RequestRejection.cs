using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Gateway.Server.Http;

/// <summary>Maps a <see cref="RequestRejectionReason"/> to its status code and JSON error body, and throws it.</summary>
internal static class RequestRejection
{
    public static int StatusCode(RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.UnsupportedVersion => 505,            // RFC 9110 §15.6.6
        RequestRejectionReason.RequestLineTooLong => 414,            // RFC 9112 §3
        RequestRejectionReason.HeadersTooLarge or
        RequestRejectionReason.TooManyHeaders => 431,                // RFC 6585 §5
        RequestRejectionReason.BodyTooLarge => 413,                  // RFC 9110 §15.5.14
        RequestRejectionReason.HeadersTimeout or
        RequestRejectionReason.BodyTimeout => 408,                   // RFC 9110 §15.5.9
        RequestRejectionReason.UnsupportedTransferCoding or
        RequestRejectionReason.MethodNotImplemented => 501,          // RFC 9112 §6.1, RFC 9110 §9.1
        _ => 400,
    };

    /// <summary>The whole JSON error body, <c>{"error":"..."}</c> (SPEC §1).</summary>
    public static ReadOnlySpan<byte> ErrorBody(RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.InvalidRequestLine => """{"error":"Invalid request line"}"""u8,
        RequestRejectionReason.InvalidMethod => """{"error":"Invalid method"}"""u8,
        RequestRejectionReason.InvalidRequestTarget => """{"error":"Invalid request target"}"""u8,
        RequestRejectionReason.InvalidVersion => """{"error":"Invalid HTTP version"}"""u8,
        RequestRejectionReason.UnsupportedVersion => """{"error":"HTTP Version Not Supported"}"""u8,
        RequestRejectionReason.RequestLineTooLong => """{"error":"Request line too long"}"""u8,
        RequestRejectionReason.InvalidHeaderLine => """{"error":"Invalid header line"}"""u8,
        RequestRejectionReason.BareLineFeed => """{"error":"Line ends must be CRLF"}"""u8,
        RequestRejectionReason.ObsoleteLineFolding => """{"error":"Obsolete line folding is not accepted"}"""u8,
        RequestRejectionReason.WhitespaceBeforeColon => """{"error":"Whitespace between header name and colon"}"""u8,
        RequestRejectionReason.InvalidHeaderValue => """{"error":"Invalid character in header value"}"""u8,
        RequestRejectionReason.HeadersTooLarge => """{"error":"Request header section too large"}"""u8,
        RequestRejectionReason.TooManyHeaders => """{"error":"Too many header fields"}"""u8,
        RequestRejectionReason.MissingHost => """{"error":"Missing Host header"}"""u8,
        RequestRejectionReason.DuplicateHost => """{"error":"More than one Host header"}"""u8,
        RequestRejectionReason.InvalidHost => """{"error":"Invalid Host header"}"""u8,
        RequestRejectionReason.DuplicateAuthorization => """{"error":"More than one credential (Authorization or x-api-key header)"}"""u8,
        RequestRejectionReason.InvalidContentLength => """{"error":"Invalid Content-Length"}"""u8,
        RequestRejectionReason.ConflictingContentLength => """{"error":"Conflicting Content-Length values"}"""u8,
        RequestRejectionReason.ContentLengthWithTransferEncoding => """{"error":"Both Content-Length and Transfer-Encoding"}"""u8,
        RequestRejectionReason.InvalidTransferEncoding => """{"error":"Invalid Transfer-Encoding"}"""u8,
        RequestRejectionReason.UnsupportedTransferCoding => """{"error":"Unsupported transfer coding"}"""u8,
        RequestRejectionReason.InvalidChunk => """{"error":"Invalid chunked body"}"""u8,
        RequestRejectionReason.BodyTooLarge => """{"error":"Request body too large"}"""u8,
        RequestRejectionReason.UnexpectedEndOfRequest => """{"error":"Unexpected end of request"}"""u8,
        RequestRejectionReason.HeadersTimeout => """{"error":"Request header timeout"}"""u8,
        RequestRejectionReason.BodyTimeout => """{"error":"Request body timeout"}"""u8,
        RequestRejectionReason.MethodNotImplemented => """{"error":"Not Implemented"}"""u8,
        _ => throw new UnreachableException(),
    };

    [DoesNotReturn, StackTraceHidden, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(RequestRejectionReason reason) => throw new BadHttpRequestException(reason);
}

namespace Gateway.Server.Http;

/// <summary>Why a request was refused before it reached an endpoint.</summary>
/// <remarks>Each reason maps to exactly one status code and error message in <see cref="RequestRejection"/>.</remarks>
internal enum RequestRejectionReason : byte
{
    InvalidRequestLine,
    InvalidMethod,
    InvalidRequestTarget,
    InvalidVersion,
    UnsupportedVersion,
    RequestLineTooLong,
    InvalidHeaderLine,
    BareLineFeed,
    ObsoleteLineFolding,
    WhitespaceBeforeColon,
    InvalidHeaderValue,
    HeadersTooLarge,
    TooManyHeaders,
    MissingHost,
    DuplicateHost,
    InvalidHost,
    DuplicateAuthorization,
    InvalidContentLength,
    ConflictingContentLength,
    ContentLengthWithTransferEncoding,
    InvalidTransferEncoding,
    UnsupportedTransferCoding,
    InvalidChunk,
    BodyTooLarge,
    UnexpectedEndOfRequest,
    HeadersTimeout,
    BodyTimeout,
    MethodNotImplemented,
}

namespace Gateway.Server.Providers.Upstream;

/// <summary>How a response's body ends (RFC 9112 §6.3).</summary>
internal enum BodyFraming : byte
{
    /// <summary>1xx, 204 and 304 answers have no body.</summary>
    None,
    ContentLength,
    Chunked,

    /// <summary>No length given: the body is whatever comes until the server closes.</summary>
    UntilClose,
}

namespace Gateway.Server.Tests.Properties;

/// <summary>How a generated request frames its body (RFC 9112 §6.3).</summary>
internal enum BodyFraming
{
    None,
    ContentLength,
    Chunked,
}

/// <summary>A valid request as sent on the wire, with what a reader must find in it.</summary>
internal sealed record GeneratedRequest(byte[] Wire, int HeaderCount, BodyFraming Framing, byte[] Body)
{
    public override string ToString() => TestSequence.Text(Wire);
}

/// <summary>A chunked body as sent, and the bytes it decodes to.</summary>
internal sealed record ChunkedBody(byte[] Encoded, byte[] Decoded)
{
    public override string ToString() => TestSequence.Text(Encoded);
}

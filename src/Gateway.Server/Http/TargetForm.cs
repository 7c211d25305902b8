namespace Gateway.Server.Http;

/// <summary>The four forms of request-target in RFC 9112 §3.2.</summary>
internal enum TargetForm : byte
{
    Origin,
    Absolute,
    Authority,
    Asterisk,
}

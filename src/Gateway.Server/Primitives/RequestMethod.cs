namespace Gateway.Server.Primitives;

/// <summary>The request methods of RFC 9110 §9; any other valid token is <see cref="Unknown"/>.</summary>
internal enum RequestMethod : byte
{
    Unknown,
    Get,
    Head,
    Post,
    Put,
    Delete,
    Patch,
    Options,
    Trace,
    Connect,
}

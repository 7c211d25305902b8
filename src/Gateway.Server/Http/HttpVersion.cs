namespace Gateway.Server.Http;

internal enum HttpVersion : byte
{
    Http10,
    Http11,
}

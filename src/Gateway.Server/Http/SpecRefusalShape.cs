using Gateway.Server.Routing;

namespace Gateway.Server.Http;

/// <summary>SPEC §1's <c>{"error": message}</c> bodies: the answers without an endpoint outside any route group with its own shape.</summary>
internal sealed class SpecRefusalShape : IRefusalShape
{
    public static SpecRefusalShape Instance { get; } = new();

    private SpecRefusalShape()
    {
    }

    public ReadOnlySpan<byte> Unauthorized => """{"error":"Unauthorized"}"""u8;

    public ReadOnlySpan<byte> NotFound => """{"error":"Not Found"}"""u8;

    public ReadOnlySpan<byte> MethodNotAllowed => """{"error":"Method Not Allowed"}"""u8;

    public ReadOnlySpan<byte> Rejection(int statusCode, ReadOnlySpan<byte> specBody) => specBody;
}

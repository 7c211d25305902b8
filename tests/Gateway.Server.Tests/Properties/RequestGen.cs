using System.Text;
using CsCheck;

namespace Gateway.Server.Tests.Properties;

/// <summary>Generators of valid requests (head and body) and of mutations of them.</summary>
internal static class RequestGen
{
    /// <summary>Bytes that change the meaning of a message most often: line ends, separators, NUL, DEL, obs-text, hex digits.</summary>
    private static readonly Gen<byte> Interesting = Gen.Frequency(
        (3, Gen.OneOf<byte>([.. "\r\n :\t;=\"\\%/?0fF9"u8, 0x00, 0x7f, 0x80, 0xff])),
        (1, Gen.Byte));

    public static readonly Gen<string> Method = Gen.Frequency(
        (6, Gen.OneOf("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE")), (1, HttpGen.Token));

    /// <summary>Any valid request.</summary>
    public static readonly Gen<GeneratedRequest> Valid = Requests(Method, HttpGen.OriginForm);

    /// <summary>Any valid request with a mutation or a few (<see cref="Mutate"/>).</summary>
    public static readonly Gen<GeneratedRequest> Mutated = Mutations(Valid);

    /// <summary>A request line, any leading empty lines (RFC 9112 §2.2), Host and other fields, and a body framed as chosen.</summary>
    public static Gen<GeneratedRequest> Requests(Gen<string> method, Gen<string> target) =>
        from emptyLines in Gen.Frequency((6, Gen.Const(0)), (1, Gen.Int[1, 2]))
        from requestMethod in method
        from requestTarget in target
        from version in Gen.OneOf("HTTP/1.1", "HTTP/1.0")
        from host in HttpGen.Host
        from fields in HttpGen.FieldLine.Array[0, 6]
        from framing in Gen.OneOf(BodyFraming.None, BodyFraming.ContentLength, BodyFraming.Chunked)
        from chunked in ChunkedGen.Body
        from framingAt in Gen.Int[0, fields.Length]
        select Build(emptyLines, $"{requestMethod} {requestTarget} {version}\r\n", host, fields, framing, chunked, framingAt);

    /// <summary>1 to 4 edits of a valid request: a byte replaced, inserted or dropped, a range repeated or cut, the end cut off.</summary>
    /// <remarks>The request keeps its framing and body, so a reader takes the body as the unmutated head declared it.</remarks>
    public static Gen<GeneratedRequest> Mutations(Gen<GeneratedRequest> requests) =>
        from request in requests
        from edits in Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[0, 64], Interesting).Array[1, 4]
        select request with { Wire = edits.Aggregate(request.Wire, Mutate) };

    private static byte[] Mutate(byte[] message, (int Kind, int Position, int Length, byte Value) edit)
    {
        var bytes = message.ToList();
        var at = bytes.Count == 0 ? 0 : edit.Position % bytes.Count;
        var length = Math.Min(edit.Length, bytes.Count - at);
        switch (edit.Kind)
        {
            case 0 when bytes.Count > 0:
                bytes[at] = edit.Value;
                break;
            case 1:
                bytes.Insert(at, edit.Value);
                break;
            case 2 when bytes.Count > 0:
                bytes.RemoveAt(at);
                break;
            case 3:
                bytes.InsertRange(at, bytes.GetRange(at, length));
                break;
            case 4:
                bytes.RemoveRange(at, length);
                break;
            default:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
        }
        return [.. bytes];
    }

    private static GeneratedRequest Build(
        int emptyLines, string requestLine, string host, string[] fields, BodyFraming framing, ChunkedBody chunked, int framingAt)
    {
        var lines = new List<string>(fields);
        lines.Insert(0, $"Host: {host}\r\n");
        var (framingLine, wireBody) = framing switch
        {
            BodyFraming.ContentLength => ($"Content-Length: {chunked.Decoded.Length}\r\n", chunked.Decoded),
            BodyFraming.Chunked => ("Transfer-Encoding: chunked\r\n", chunked.Encoded),
            _ => (null, []),
        };
        if (framingLine is not null)
        {
            lines.Insert(framingAt + 1, framingLine);
        }
        var head = string.Concat(Enumerable.Repeat("\r\n", emptyLines)) + requestLine + string.Concat(lines) + "\r\n";
        var body = framing == BodyFraming.None ? [] : chunked.Decoded;
        return new GeneratedRequest([.. Encoding.Latin1.GetBytes(head), .. wireBody], lines.Count, framing, body);
    }
}

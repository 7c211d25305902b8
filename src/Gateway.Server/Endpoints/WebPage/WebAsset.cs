using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Server.Endpoints.WebPage;

/// <summary>One file of the page in each coding it is served in, with the strong validator of each (RFC 9110 §8.8.3).</summary>
internal sealed class WebAsset
{
    private readonly Representation[] _representations;

    private WebAsset(byte[] contentType, Representation[] representations)
    {
        ContentType = contentType;
        _representations = representations;
    }

    public byte[] ContentType { get; }

    public Representation this[ContentCoding coding] => _representations[(int)coding];

    /// <summary>Compresses <paramref name="bytes"/> once at the smallest size; a coding that does not shrink the file is not offered.</summary>
    public static WebAsset Create(string name, byte[] bytes)
    {
        // One tag per coding: a strong validator names exactly one representation's bytes (RFC 9110 §8.8.3.3).
        var tag = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12));
        var identity = new Representation(bytes, Encoding.ASCII.GetBytes($"\"{tag}\""), HeaderLines(tag, null));
        var representations = new Representation[3];
        representations[(int)ContentCoding.Identity] = identity;
        representations[(int)ContentCoding.Gzip] = Compressed(identity, tag, "gzip", stream => new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true));
        representations[(int)ContentCoding.Brotli] = Compressed(identity, tag, "br", stream => new BrotliStream(stream, CompressionLevel.SmallestSize, leaveOpen: true));
        return new WebAsset(Encoding.ASCII.GetBytes(ContentTypeOf(name)), representations);
    }

    private static Representation Compressed(Representation identity, string tag, string coding, Func<Stream, Stream> compressor)
    {
        var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(identity.Bytes);
        }
        return output.Length >= identity.Bytes.Length
            ? identity
            : new Representation(output.ToArray(), Encoding.ASCII.GetBytes($"\"{tag}-{coding}\""), HeaderLines($"{tag}-{coding}", coding));
    }

    /// <summary>
    /// no-cache: a browser revalidates each file (a 304 costs a round trip and no body), so a new binary's page shows at once
    /// (RFC 9111 §5.2.2.4); Vary: the body depends on Accept-Encoding (RFC 9110 §12.5.5).
    /// </summary>
    private static byte[] HeaderLines(string tag, string? coding) => Encoding.ASCII.GetBytes(
        $"ETag: \"{tag}\"\r\nCache-Control: no-cache\r\nVary: Accept-Encoding\r\n{(coding is null ? "" : $"Content-Encoding: {coding}\r\n")}{WebPageHeaders.Security}");

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };

    /// <param name="Bytes">The body as sent.</param>
    /// <param name="ETag">The quoted entity tag.</param>
    /// <param name="HeaderLines">Every header line the response sends besides Content-Type and Content-Length, with their CRLFs.</param>
    internal readonly record struct Representation(byte[] Bytes, byte[] ETag, byte[] HeaderLines);
}

using System.Text;
using CsCheck;

namespace Gateway.Server.Tests.Properties;

/// <summary>Generators of chunked bodies (RFC 9112 §7.1) in every form the grammar allows.</summary>
internal static class ChunkedGen
{
    /// <summary>chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 §7.1.1).</summary>
    public static readonly Gen<string> Extensions = Gen.Select(
            HttpGen.Whitespace, HttpGen.Token,
            Gen.Frequency((2, Gen.Const("")), (1, HttpGen.Token), (1, HttpGen.QuotedString)),
            HttpGen.Whitespace,
            (before, name, value, around) => value.Length == 0 ? $"{before};{around}{name}" : $"{before};{around}{name}{around}={around}{value}")
        .Array[0, 3]
        .Select(string.Concat);

    /// <summary>chunk-size = 1*HEXDIG: either case, leading zeros now and then.</summary>
    private static readonly Gen<Func<int, string>> SizeFormat = Gen.Select(
        Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 3])), Gen.Bool,
        (zeros, upper) => (Func<int, string>)(size => new string('0', zeros) + size.ToString(upper ? "X" : "x", null)));

    /// <summary>RFC 9112 §7.1.2: a trailer section of a few field lines.</summary>
    private static readonly Gen<string> Trailers = HttpGen.FieldLine.Array[0, 3].Select(string.Concat);

    /// <summary>Bodies of up to 600 bytes cut into chunks at random, each size line and the last chunk formatted at random.</summary>
    public static readonly Gen<ChunkedBody> Body =
        from data in Gen.Frequency((3, Gen.Byte.Array[0, 64]), (1, Gen.Byte.Array[0, 600]))
        from cuts in Gen.Int[1, Math.Max(1, data.Length)].Array[0, 8]
        from formats in Gen.Select(SizeFormat, Extensions).Array[cuts.Length + 2]
        from trailers in Trailers
        select Encode(data, cuts, formats, trailers);

    private static ChunkedBody Encode(byte[] data, int[] cuts, (Func<int, string> Size, string Extensions)[] formats, string trailers)
    {
        // Chunks end at the distinct cut points below the length, and at the length: a zero-size chunk would end the body.
        var ends = cuts.Where(c => c < data.Length).Append(data.Length).Distinct().Order().Where(end => end > 0);
        var encoded = new List<byte>();
        var start = 0;
        var line = 0;
        foreach (var end in ends)
        {
            var (size, extensions) = formats[line++];
            encoded.AddRange(Encoding.Latin1.GetBytes($"{size(end - start)}{extensions}\r\n"));
            encoded.AddRange(data.AsSpan(start, end - start));
            encoded.AddRange("\r\n"u8);
            start = end;
        }
        var (lastSize, lastExtensions) = formats[line];
        encoded.AddRange(Encoding.Latin1.GetBytes($"{lastSize(0)}{lastExtensions}\r\n{trailers}\r\n"));
        return new ChunkedBody([.. encoded], data);
    }
}

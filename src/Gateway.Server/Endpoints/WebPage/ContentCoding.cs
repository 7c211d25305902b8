using System.Text;
using Gateway.Server.Http;

namespace Gateway.Server.Endpoints.WebPage;

/// <summary>The content codings the page's assets are kept in (RFC 9110 §8.4.1), in the order preferred on a tie.</summary>
internal enum ContentCoding
{
    Brotli,
    Gzip,
    Identity,
}

/// <summary>Picks the coding an <c>Accept-Encoding</c> field asks for (RFC 9110 §12.5.3).</summary>
internal static class ContentCodingNegotiation
{
    private const int Unstated = -1;

    /// <remarks>
    /// The highest qvalue above 0 wins, a tie going to the smaller body; identity, acceptable unless excluded, ranks
    /// below every coding the client named. When nothing is acceptable the field is disregarded (identity), as §12.5.3 allows.
    /// </remarks>
    public static ContentCoding Choose(ReadOnlySpan<byte> acceptEncoding)
    {
        int brotli = Unstated, gzip = Unstated, identity = Unstated, any = Unstated;
        foreach (var element in new CommaSeparatedValues(acceptEncoding))
        {
            var semicolon = element.IndexOf((byte)';');
            var coding = HttpCharacters.TrimWhitespace(semicolon < 0 ? element : element[..semicolon]);
            if (!TryReadWeight(semicolon < 0 ? default : element[(semicolon + 1)..], out var weight))
            {
                continue;
            }
            if (Ascii.EqualsIgnoreCase(coding, "br"u8))
            {
                brotli = weight;
            }
            else if (Ascii.EqualsIgnoreCase(coding, "gzip"u8) || Ascii.EqualsIgnoreCase(coding, "x-gzip"u8))
            {
                gzip = weight; // RFC 9110 §8.4.1.3: x-gzip is gzip.
            }
            else if (Ascii.EqualsIgnoreCase(coding, "identity"u8))
            {
                identity = weight;
            }
            else if (coding.SequenceEqual("*"u8))
            {
                any = weight;
            }
        }
        brotli = brotli == Unstated ? any : brotli;
        gzip = gzip == Unstated ? any : gzip;
        identity = identity != Unstated ? identity : any != Unstated ? any : 1;

        var best = ContentCoding.Identity;
        var bestWeight = 0;
        foreach (var (candidate, weight) in (ReadOnlySpan<(ContentCoding, int)>)[(ContentCoding.Brotli, brotli), (ContentCoding.Gzip, gzip), (ContentCoding.Identity, identity)])
        {
            if (weight > bestWeight)
            {
                (best, bestWeight) = (candidate, weight);
            }
        }
        return best;
    }

    /// <summary>
    /// The qvalue of an element's parameters in thousandths (1000 when there is none); false for a malformed one, which
    /// drops the element. <c>weight = OWS ";" OWS "q=" qvalue</c>, <c>qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )</c>.
    /// </summary>
    private static bool TryReadWeight(ReadOnlySpan<byte> parameters, out int weight)
    {
        weight = 1000;
        parameters = HttpCharacters.TrimWhitespace(parameters);
        if (parameters.IsEmpty)
        {
            return true;
        }
        if (parameters.Length < 3 || (parameters[0] | 0x20) != 'q' || parameters[1] != '=')
        {
            return false;
        }
        var value = parameters[2..];
        if (value[0] is not ((byte)'0' or (byte)'1') || value.Length > 5 || (value.Length > 1 && value[1] != '.'))
        {
            return false;
        }
        weight = (value[0] - '0') * 1000;
        var scale = 100;
        foreach (var digit in value.Length > 2 ? value[2..] : default)
        {
            if (digit is < (byte)'0' or > (byte)'9' || (weight == 1000 && digit != '0'))
            {
                return false;
            }
            weight += (digit - '0') * scale;
            scale /= 10;
        }
        return true;
    }
}

using System.Buffers;
using Gateway.Server.Http;
using Gateway.Server.Tests;

namespace Gateway.Fuzz.Targets;

/// <summary>The chunked body decoder (ChunkedBodyDecoder) over one input as a request body.</summary>
internal static class ChunkedBodyTarget
{
    private const int MaxTrailerCount = 100;
    private const int MaxTrailerBytes = 32 * 1024;

    public static void Fuzz(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        (byte[] Body, long Consumed)? decoded;
        try
        {
            decoded = Decode(TestSequence.Create(bytes));
        }
        catch (BadHttpRequestException)
        {
            return;
        }
        if (decoded is not { } accepted)
        {
            return;
        }

        // The oracle: one byte per segment decodes the same, and so does a plain reading of RFC 9112 §7.1's framing.
        var split = Decode(Bytewise.Sequence(bytes));
        var plain = PlainDecode(bytes);
        if (split is not { } bytewise || !bytewise.Body.AsSpan().SequenceEqual(accepted.Body) || bytewise.Consumed != accepted.Consumed
            || !plain.Body.AsSpan().SequenceEqual(accepted.Body) || plain.Consumed != accepted.Consumed)
        {
            throw new OracleMismatchException(
                $"decoded {accepted.Body.Length} bytes using {accepted.Consumed}; one byte per segment {split?.Body.Length} using {split?.Consumed}; plainly {plain.Body.Length} using {plain.Consumed}");
        }
    }

    /// <summary>The decoded body and the bytes the decoder consumed; null while the body is incomplete.</summary>
    private static (byte[] Body, long Consumed)? Decode(ReadOnlySequence<byte> buffer)
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = 1 << 20 };
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            return decoder.TryDecode(ref reader, body, MaxTrailerCount, MaxTrailerBytes) ? (body.Memory.ToArray(), reader.Consumed) : null;
        }
        finally
        {
            body.Reset();
        }
    }

    /// <summary>
    /// chunk-size [ chunk-ext ] CRLF chunk-data CRLF, until a size of zero, then field lines up to an empty line. Only the
    /// framing is read: the decoder is the one that checks extensions and trailers, and this runs on input it accepted.
    /// </summary>
    private static (byte[] Body, long Consumed) PlainDecode(byte[] input)
    {
        var body = new List<byte>();
        var at = 0;
        while (true)
        {
            var line = NextLine(input, ref at);
            long size = 0;
            foreach (var digit in line.TakeWhile(Uri.IsHexDigit))
            {
                size = checked((size * 16) + Uri.FromHex(digit));
            }
            if (size == 0)
            {
                break;
            }
            body.AddRange(input.AsSpan(at, checked((int)size)));
            at += (int)size;
            if (NextLine(input, ref at).Length != 0)
            {
                throw new OracleMismatchException("chunk data is not followed by CRLF");
            }
        }
        while (NextLine(input, ref at).Length != 0)
        {
        }
        return ([.. body], at);
    }

    /// <summary>The Latin-1 text up to the next CRLF, stepping past it.</summary>
    private static string NextLine(byte[] input, ref int at)
    {
        var end = input.AsSpan(at).IndexOf("\r\n"u8);
        if (end < 0)
        {
            throw new OracleMismatchException($"no CRLF after byte {at}");
        }
        var line = TestSequence.Text(input.AsSpan(at, end));
        at += end + 2;
        return line;
    }
}

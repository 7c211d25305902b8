using System.Buffers;
using Gateway.Server.Http;
using Gateway.Server.Tests;

namespace Gateway.Fuzz.Targets;

/// <summary>The request-line and header parser (HttpParser) over one input as a request head.</summary>
internal static class RequestHeadTarget
{
    private const int MaxRequestLine = 8 * 1024;

    public static void Fuzz(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        List<string>? whole;
        try
        {
            whole = Parse(TestSequence.Create(bytes));
        }
        catch (BadHttpRequestException)
        {
            return;
        }
        if (whole is null)
        {
            return;
        }

        // The oracle: the same bytes one per segment (the parser's slow path) report the same, and what is reported is well-formed.
        var split = Parse(Bytewise.Sequence(bytes));
        if (split is null || !split.SequenceEqual(whole))
        {
            throw new OracleMismatchException($"one byte per segment parsed as [{string.Join(" | ", split ?? [])}], whole as [{string.Join(" | ", whole)}]");
        }
        foreach (var header in whole.Skip(1))
        {
            CheckHeader(header);
        }
    }

    /// <summary>The parser's report, start line first; null while the head is incomplete.</summary>
    private static List<string>? Parse(ReadOnlySequence<byte> buffer)
    {
        var log = new List<string>();
        var handler = new RecordingHandler(log);
        var reader = new SequenceReader<byte>(buffer);
        return HttpParser.TryParseRequestLine(ref reader, ref handler, MaxRequestLine) && HttpParser.TryParseHeaders(ref reader, ref handler)
            ? log
            : null;
    }

    /// <summary>RFC 9110 §5.1, §5.5: a token name; a value of VCHAR, obs-text, SP and HTAB, without whitespace at its ends.</summary>
    private static void CheckHeader(string header)
    {
        var colon = header.IndexOf(": '", StringComparison.Ordinal);
        var name = header[..colon];
        var value = header[(colon + 3)..^1];
        var nameIsToken = name.Length > 0 && name.All(c => c > ' ' && c < '\x7f' && !"\"(),/:;<=>?@[\\]{}".Contains(c));
        var valueIsFieldContent = value.All(c => c == '\t' || (c >= ' ' && c != '\x7f'))
            && !value.StartsWith(' ') && !value.StartsWith('\t') && !value.EndsWith(' ') && !value.EndsWith('\t');
        if (!nameIsToken || !valueIsFieldContent)
        {
            throw new OracleMismatchException($"accepted a malformed field line: {header}");
        }
    }
}

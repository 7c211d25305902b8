using System.Buffers.Text;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints;

/// <summary>The event a resuming reader saw last (SPEC §9): the <c>Last-Event-ID</c> header, else <c>?lastEventId=</c>, else 0 (everything).</summary>
internal static class LastEventId
{
    /// <summary>False when the id given is not a non-negative integer.</summary>
    public static bool TryRead(IHttpExchange exchange, out long id)
    {
        // The header wins: a browser's EventSource sends it on reconnecting to the URL it was opened with, query and all.
        var text = exchange.LastEventId;
        if (text.IsEmpty && !TryFindQueryValue(exchange.Query, "lastEventId"u8, out text))
        {
            id = 0;
            return true;
        }
        return Utf8Parser.TryParse(text, out id, out var consumed) && consumed == text.Length && text[0] is >= (byte)'0' and <= (byte)'9';
    }

    /// <summary>The raw value of the first <c>name=value</c> pair of an <c>&amp;</c>-separated query.</summary>
    private static bool TryFindQueryValue(ReadOnlySpan<byte> query, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        foreach (var range in query.Split((byte)'&'))
        {
            var pair = query[range];
            if (pair.Length > name.Length && pair[name.Length] == (byte)'=' && pair.StartsWith(name))
            {
                value = pair[(name.Length + 1)..];
                return true;
            }
        }
        value = default;
        return false;
    }
}

using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Reads a chunked text/event-stream body off a <see cref="RawConnection"/>: undoes the chunk
/// framing, then splits events at blank lines, checking each is exactly the three lines of SPEC §5
/// (four on a resumable stream, SPEC §9: <c>id:</c> first).
/// </summary>
public sealed class EventStreamReader(RawConnection connection)
{
    private readonly StringBuilder _text = new();
    private bool _ended;

    /// <summary>True once the terminating zero-length chunk has been read.</summary>
    public bool Ended => _ended && _text.Length == 0;

    /// <summary>The next event or comment; null when the body has ended.</summary>
    public async Task<ServerSentEvent?> ReadAsync()
    {
        while (true)
        {
            var text = _text.ToString();
            var end = text.IndexOf("\n\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _text.Remove(0, end + 2);
                return Parse(text[..end]);
            }
            if (_ended)
            {
                Assert.True(text.Length == 0, $"The stream ended inside an event: {text}");
                return null;
            }
            var chunk = await connection.ReadChunkAsync();
            if (chunk.Length == 0)
            {
                _ended = true;
            }
            _text.Append(Encoding.UTF8.GetString(chunk));
        }
    }

    /// <summary>Every event (comments skipped) until the body ends.</summary>
    public async Task<List<ServerSentEvent>> ReadAllEventsAsync()
    {
        var events = new List<ServerSentEvent>();
        while (await ReadAsync() is { } next)
        {
            if (!next.IsComment)
            {
                events.Add(next);
            }
        }
        return events;
    }

    /// <summary>Reads until an event of <paramref name="name"/>; the events before it are returned too.</summary>
    public async Task<List<ServerSentEvent>> ReadUntilAsync(string name)
    {
        var events = new List<ServerSentEvent>();
        while (await ReadAsync() is { } next)
        {
            if (next.IsComment)
            {
                continue;
            }
            events.Add(next);
            if (next.Name == name)
            {
                return events;
            }
        }
        throw new InvalidOperationException($"The stream ended without a '{name}' event; got: {string.Join(" | ", events)}");
    }

    private static ServerSentEvent Parse(string block)
    {
        if (block.StartsWith(':'))
        {
            return new ServerSentEvent(null, block[1..].Trim(), IsComment: true);
        }
        var lines = block.Split('\n');
        long? id = null;
        if (lines[0].StartsWith("id: ", StringComparison.Ordinal))
        {
            id = long.Parse(lines[0]["id: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            lines = lines[1..];
        }
        Assert.True(lines.Length == 2 && lines[0].StartsWith("event: ", StringComparison.Ordinal) && lines[1].StartsWith("data: ", StringComparison.Ordinal),
            $"An event must be exactly 'event:' and 'data:' lines: {block}");
        var sse = new ServerSentEvent(lines[0]["event: ".Length..], lines[1]["data: ".Length..], IsComment: false, id);
        Assert.Equal(sse.Name, sse.Field("type"));
        return sse;
    }
}

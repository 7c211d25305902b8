using System.Text;

namespace Gateway.LoadGen;

/// <summary>
/// Watches the decoded body of an event stream for the two marker lines and counts dispatched events, without
/// copying the stream: lines are matched in place, only a line split across reads keeps its first bytes.
/// </summary>
/// <remarks>
/// WHATWG HTML §9.2.6: lines end in LF, CRLF or CR; a blank line dispatches the event when its block has a
/// <c>data</c> field; lines starting with <c>:</c> are comments (our pings). A lone CR as a line end is not
/// supported (no server here sends one): it stays part of the line and is trimmed. A marker is a line prefix,
/// at most <see cref="MaxMarkerLength"/> bytes; the first matching line sets its time. The first-content marker can
/// instead match anywhere in a line (OpenAI-style streams, whose lines all start with <c>data:</c> and whose first
/// chunk may carry only the role): a line split across reads is then kept whole up to
/// <see cref="MaxCarriedLine"/> bytes, so the marker is found within that much of a line.
/// </remarks>
public sealed class SseScanner
{
    public const int MaxMarkerLength = 64;
    public const int MaxCarriedLine = 4096;
    private readonly byte[] _connectedMarker;
    private readonly byte[] _contentMarker;
    private readonly bool _contentAnywhere;
    private readonly byte[] _carry;
    private int _carryLength;
    private bool _inLine;
    private bool _blockHasData;

    public SseScanner(string connectedMarker, string firstContentMarker, bool firstContentAnywhere = false)
    {
        _connectedMarker = Encoding.UTF8.GetBytes(connectedMarker);
        _contentMarker = Encoding.UTF8.GetBytes(firstContentMarker);
        _contentAnywhere = firstContentAnywhere;
        _carry = new byte[firstContentAnywhere ? MaxCarriedLine : MaxMarkerLength];
    }

    /// <summary>Timestamp of the read that completed the first connected-marker line, 0 if none yet.</summary>
    public long ConnectedAt { get; private set; }

    /// <summary>Timestamp of the read that completed the first first-content-marker line, 0 if none yet.</summary>
    public long FirstContentAt { get; private set; }

    /// <summary>Events dispatched so far (blocks with data ended by a blank line).</summary>
    public int Events { get; private set; }

    public void Reset()
    {
        ConnectedAt = FirstContentAt = 0;
        Events = 0;
        _carryLength = 0;
        _inLine = _blockHasData = false;
    }

    /// <summary>Scans the next bytes of the body, which arrived at <paramref name="timestamp"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, long timestamp)
    {
        while (!data.IsEmpty)
        {
            var lf = data.IndexOf((byte)'\n');
            if (lf < 0)
            {
                Carry(data);
                return;
            }
            if (_inLine)
            {
                Carry(data[..lf]);
                Line(_carry.AsSpan(0, _carryLength), timestamp);
                _carryLength = 0;
                _inLine = false;
            }
            else
            {
                Line(data[..lf], timestamp);
            }
            data = data[(lf + 1)..];
        }
    }

    private void Carry(ReadOnlySpan<byte> part)
    {
        _inLine = true;
        var room = _carry.Length - _carryLength;
        if (room > 0)
        {
            var take = Math.Min(room, part.Length);
            part[..take].CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += take;
        }
    }

    private void Line(ReadOnlySpan<byte> line, long timestamp)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (line.IsEmpty)
        {
            if (_blockHasData)
            {
                Events++;
                _blockHasData = false;
            }
            return;
        }
        if (line[0] == (byte)':')
        {
            return;
        }
        if (line.StartsWith("data"u8) && (line.Length == 4 || line[4] == (byte)':'))
        {
            _blockHasData = true;
        }
        if (ConnectedAt == 0 && line.StartsWith(_connectedMarker))
        {
            ConnectedAt = timestamp;
        }
        if (FirstContentAt == 0 && (_contentAnywhere ? line.IndexOf(_contentMarker) >= 0 : line.StartsWith(_contentMarker)))
        {
            FirstContentAt = timestamp;
        }
    }
}

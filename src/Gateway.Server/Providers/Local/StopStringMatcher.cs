namespace Gateway.Server.Providers.Local;

/// <summary>Cuts streamed text at the first stop string, holding back only what could still become one.</summary>
/// <remarks>
/// A stop string can arrive split over several tokens ("&lt;|im" then "_end|&gt;"), so text that ends with a
/// prefix of a stop string is held until the next piece decides it; everything before that is released at
/// once, so streaming is delayed only while a marker may be forming. Neither the stop string nor anything
/// after it is ever released.
/// </remarks>
internal sealed class StopStringMatcher(IReadOnlyList<string> stopStrings)
{
    private string _held = "";

    /// <summary>True once a stop string has been seen; later input is ignored.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text; returns the text that can be sent now (possibly empty).</summary>
    public string Push(string text)
    {
        if (Stopped || text.Length == 0)
        {
            return "";
        }
        if (stopStrings.Count == 0)
        {
            return text;
        }

        var pending = _held + text;
        var stopAt = -1;
        foreach (var stop in stopStrings)
        {
            var index = pending.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (stopAt < 0 || index < stopAt))
            {
                stopAt = index;
            }
        }
        if (stopAt >= 0)
        {
            Stopped = true;
            _held = "";
            return pending[..stopAt];
        }

        var keep = LongestPartialStop(pending);
        _held = pending[^keep..];
        return pending[..^keep];
    }

    /// <summary>The held-back text, when generation ends for another reason: it was not a stop string after all.</summary>
    public string Flush()
    {
        var rest = Stopped ? "" : _held;
        _held = "";
        return rest;
    }

    /// <summary>The length of the longest suffix of <paramref name="text"/> that is a proper prefix of some stop string.</summary>
    private int LongestPartialStop(string text)
    {
        var longest = 0;
        foreach (var stop in stopStrings)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}

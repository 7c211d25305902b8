using System.Globalization;

namespace Gateway.LoadGen;

/// <summary>Parses <c>250ms</c>, <c>10s</c>, <c>2m</c> or a bare number of seconds (perf/LAB.md).</summary>
public static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value * scale < 86_400)
        {
            duration = TimeSpan.FromSeconds(value * scale);
            return true;
        }
        duration = default;
        return false;
    }
}

using System.Text;

namespace Gateway.Repl;

/// <summary>
/// JS strings may hold lone surrogates (<c>context.slice(0, n)</c> cutting an emoji in two), which Gateway's JSON
/// writer refuses (design trap 18): every string leaving the engine passes through here.
/// </summary>
internal static class WellFormed
{
    /// <summary>The string with each lone surrogate replaced by U+FFFD, as <c>String.prototype.toWellFormed</c>.</summary>
    public static string From(string text)
    {
        var bad = FirstLoneSurrogate(text, 0);
        if (bad < 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        var start = 0;
        while (bad >= 0)
        {
            builder.Append(text, start, bad - start).Append('\uFFFD');
            start = bad + 1;
            bad = FirstLoneSurrogate(text, start);
        }
        return builder.Append(text, start, text.Length - start).ToString();
    }

    private static int FirstLoneSurrogate(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }
}

namespace Gateway.Server.Agents.Permissions;

/// <summary>The permission glob of SPEC §6: matches the whole string; <c>*</c> and <c>**</c> match any run of characters, "/" included.</summary>
/// <remarks>
/// One exception keeps hidden files out of reach of a broad rule: a wildcard never matches the "."
/// that starts a path segment (at the start of the string or right after "/"), so <c>src/*</c>
/// does not match <c>src/.env</c> while <c>src/.*</c> does. Every other character is literal.
/// </remarks>
internal static class Glob
{
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        // Iterative wildcard matching with one backtrack point (the last star), linear in practice.
        int p = 0, v = 0, starPattern = -1, starValue = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                while (p < pattern.Length && pattern[p] == '*')
                {
                    p++;
                }
                starPattern = p;
                starValue = v;
            }
            else if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (starPattern >= 0 && !StartsHiddenSegment(value, starValue))
            {
                // Let the last star swallow one more character and retry from after it.
                starValue++;
                v = starValue;
                p = starPattern;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static bool StartsHiddenSegment(ReadOnlySpan<char> value, int index) =>
        value[index] == '.' && (index == 0 || value[index - 1] == '/');
}

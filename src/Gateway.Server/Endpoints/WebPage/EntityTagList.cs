namespace Gateway.Server.Endpoints.WebPage;

/// <summary>The <c>If-None-Match</c> test of RFC 9110 §13.1.2: <c>"*"</c>, or a list of entity-tags compared weakly.</summary>
internal static class EntityTagList
{
    /// <param name="list">The field's value (<c>#entity-tag</c>; an entity-tag is <c>[ "W/" ] DQUOTE *etagc DQUOTE</c>, RFC 9110 §8.8.3).</param>
    /// <param name="tag">The current representation's quoted tag.</param>
    public static bool Matches(ReadOnlySpan<byte> list, ReadOnlySpan<byte> tag)
    {
        var rest = list;
        while (true)
        {
            rest = rest.TrimStart(" \t,"u8);
            if (rest.IsEmpty)
            {
                return false;
            }
            if (rest[0] == '*')
            {
                return true;
            }
            if (rest.StartsWith("W/"u8))
            {
                rest = rest[2..]; // Weak comparison: the W/ prefix does not matter.
            }
            // etagc may hold a comma, so a tag ends at its closing quote, not at the next comma.
            var close = rest.Length > 1 && rest[0] == '"' ? rest[1..].IndexOf((byte)'"') : -1;
            if (close < 0)
            {
                return false;
            }
            if (rest[..(close + 2)].SequenceEqual(tag))
            {
                return true;
            }
            rest = rest[(close + 2)..];
        }
    }
}

namespace Gateway.Server.Http;

/// <summary>Enumerates the elements of a #rule list (RFC 9110 §5.6.1), trimmed, skipping empty ones.</summary>
internal ref struct CommaSeparatedValues(ReadOnlySpan<byte> list)
{
    private ReadOnlySpan<byte> _rest = list;

    public ReadOnlySpan<byte> Current { get; private set; }

    public readonly CommaSeparatedValues GetEnumerator() => this;

    public bool MoveNext()
    {
        while (!_rest.IsEmpty)
        {
            var comma = _rest.IndexOf((byte)',');
            var element = comma < 0 ? _rest : _rest[..comma];
            _rest = comma < 0 ? default : _rest[(comma + 1)..];
            Current = HttpCharacters.TrimWhitespace(element);
            if (!Current.IsEmpty)
            {
                return true;
            }
        }
        return false;
    }
}

namespace Gateway.Server.Http;

/// <summary>
/// A part of the request head kept for the request's life (its path, query, credential, a header's value), in a buffer
/// the connection reuses across requests and grows only when a part is longer.
/// </summary>
internal sealed class HeadPartCopy(int capacity = 0)
{
    private byte[] _bytes = capacity == 0 ? [] : new byte[capacity];
    private int _length;

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Set(ReadOnlySpan<byte> value)
    {
        _length = 0;
        Append(value, ""u8);
    }

    /// <summary>Adds a repeated list-valued field, joined by ", ", which RFC 9110 §5.3 makes equivalent to one field.</summary>
    public void AppendListItem(ReadOnlySpan<byte> value) => Append(value, _length == 0 ? ""u8 : ", "u8);

    private void Append(ReadOnlySpan<byte> value, ReadOnlySpan<byte> separator)
    {
        var needed = _length + separator.Length + value.Length;
        if (needed > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(needed, 2 * _bytes.Length));
        }
        separator.CopyTo(_bytes.AsSpan(_length));
        value.CopyTo(_bytes.AsSpan(_length + separator.Length));
        _length = needed;
    }
}

namespace Gateway.Server.Http;

/// <summary>
/// A list-valued request header kept for the endpoint, in a buffer the connection reuses across requests; repeated
/// fields are joined by ", ", which RFC 9110 §5.3 makes equivalent to one field.
/// </summary>
internal sealed class HeaderListCopy
{
    private byte[] _bytes = [];
    private int _length;

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Append(ReadOnlySpan<byte> value)
    {
        var separator = _length == 0 ? 0 : 2;
        var needed = _length + separator + value.Length;
        if (needed > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(needed, 2 * _bytes.Length));
        }
        if (separator != 0)
        {
            ", "u8.CopyTo(_bytes.AsSpan(_length));
        }
        value.CopyTo(_bytes.AsSpan(_length + separator));
        _length = needed;
    }
}

using System.Buffers;

namespace Gateway.Server.Http;

/// <summary>A line that straddled buffer segments, copied into one contiguous span.</summary>
/// <remarks>Short lines use the caller's stack buffer; longer ones rent from the shared pool and return it on dispose.</remarks>
internal ref struct LineCopy
{
    public const int StackLimit = 256;

    private readonly byte[]? _rented;

    public LineCopy(in ReadOnlySequence<byte> line, Span<byte> stackBuffer)
    {
        var length = (int)line.Length;
        var target = length <= stackBuffer.Length ? stackBuffer : (_rented = ArrayPool<byte>.Shared.Rent(length));
        line.CopyTo(target);
        Span = target[..length];
    }

    public ReadOnlySpan<byte> Span { get; }

    public readonly void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }
}

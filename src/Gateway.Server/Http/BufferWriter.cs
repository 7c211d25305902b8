using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace Gateway.Server.Http;

/// <summary>Writes bytes straight into an <see cref="IBufferWriter{T}"/>'s memory, committing in one step.</summary>
/// <remarks>A ref struct so the current span lives on the stack; call <see cref="Commit"/> before the writer is flushed.</remarks>
internal ref struct BufferWriter<T> where T : IBufferWriter<byte>
{
    private readonly T _output;
    private Span<byte> _span;
    private int _buffered;

    public BufferWriter(T output)
    {
        _output = output;
        _span = output.GetSpan();
        _buffered = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(scoped ReadOnlySpan<byte> source)
    {
        if (source.Length <= _span.Length)
        {
            source.CopyTo(_span);
            Advance(source.Length);
        }
        else
        {
            WriteMultiBuffer(source);
        }
    }

    public void WriteNumber(long value)
    {
        const int MaxDigits = 20;
        Ensure(MaxDigits);
        Utf8Formatter.TryFormat(value, _span, out var written);
        Advance(written);
    }

    /// <summary>Writes a non-negative number in lowercase hex, as chunk sizes are written.</summary>
    public void WriteHex(int value)
    {
        const int MaxDigits = 8;
        Ensure(MaxDigits);
        value.TryFormat(_span, out var written, "x", System.Globalization.CultureInfo.InvariantCulture);
        Advance(written);
    }

    /// <summary>Hands what has been written to the underlying writer.</summary>
    public void Commit()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _buffered = 0;
            _span = default;
        }
    }

    public void Ensure(int count)
    {
        if (_span.Length < count)
        {
            Commit();
            _span = _output.GetSpan(count);
        }
    }

    private void Advance(int count)
    {
        _buffered += count;
        _span = _span[count..];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteMultiBuffer(scoped ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            Ensure(1);
            var count = Math.Min(_span.Length, source.Length);
            source[..count].CopyTo(_span);
            Advance(count);
            source = source[count..];
        }
    }
}

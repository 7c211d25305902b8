using System.Text;

namespace Gateway.Server.Events;

/// <summary>An event's text already in UTF-8 (a model's delta, as read from the upstream), written as a JSON string like any other.</summary>
/// <remarks>The bytes must be valid UTF-8 (the decoders replace what is not, as for strings) and stay untouched until the frame is written.</remarks>
internal readonly struct Utf8Text(ReadOnlyMemory<byte> utf8)
{
    public ReadOnlySpan<byte> AsSpan() => utf8.Span;

    public static implicit operator Utf8Text(string text) => new(Encoding.UTF8.GetBytes(text));

    public override string ToString() => Encoding.UTF8.GetString(utf8.Span);
}

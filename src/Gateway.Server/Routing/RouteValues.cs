using System.Runtime.CompilerServices;

namespace Gateway.Server.Routing;

/// <summary>Where each route parameter sits in the request path, without copying or decoding it.</summary>
internal struct RouteValues
{
    public const int MaxParameters = 4;

    private RangeBuffer _ranges;

    public int Count { get; private set; }

    public readonly Range this[int index] =>
        (uint)index < (uint)Count ? _ranges[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(Range range) => _ranges[Count++] = range;

    [InlineArray(MaxParameters)]
    private struct RangeBuffer
    {
        private Range _element;
    }
}

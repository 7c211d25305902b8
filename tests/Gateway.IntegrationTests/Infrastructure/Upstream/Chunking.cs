using System.Text;

namespace Gateway.IntegrationTests.Infrastructure.Upstream;

/// <summary>Where a scripted body is split into separately written pieces.</summary>
internal abstract record Chunking
{
    public static Chunking Whole { get; } = new EveryN(int.MaxValue);

    /// <summary>A piece every <paramref name="n"/> bytes, whatever is there (inside fields, UTF-8 sequences, JSON strings).</summary>
    public static Chunking Every(int n) => new EveryN(n);

    /// <summary>Splits at the '|' of each marker's first occurrence: <c>"da|ta:"</c> splits inside the first "data:".</summary>
    public static Chunking At(params string[] markers) => new AtMarkers(markers);

    /// <summary>Splits after the given number of bytes into the first occurrence of <paramref name="text"/>.</summary>
    public static Chunking InsideUtf8(string text, int bytesIn) => new AtBytes(text, bytesIn);

    /// <summary>
    /// Inside "data:", inside JSON strings and names, inside 2- and 4-byte UTF-8 characters, inside [DONE], between the
    /// LFs that end an event, between CR and LF: whichever of these the body has.
    /// </summary>
    public static Chunking Awkward { get; } = Combine(
        At("da|ta: {", "[DO|NE]", "\n|\ndata: [DONE]", "\"He|l\"", "\"com|mand", "argu|ments", "partial|_json", "event: content_block|_delta", "\r|\n"),
        InsideUtf8("🙂", 1),
        InsideUtf8("🙂", 3),
        InsideUtf8("ö", 1),
        InsideUtf8("…", 2));

    /// <summary>All the given splits together.</summary>
    public static Chunking Combine(params Chunking[] parts) => new Combined(parts);

    public IReadOnlyList<byte[]> Split(byte[] body)
    {
        var cuts = Cuts(body).Where(c => c > 0 && c < body.Length).Distinct().Order().ToList();
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts.Append(body.Length))
        {
            pieces.Add(body[start..cut]);
            start = cut;
        }
        return pieces;
    }

    protected abstract IEnumerable<int> Cuts(byte[] body);

    /// <summary>Where <paramref name="text"/> first occurs; markers absent from a body are ignored, so one chunking fits several scripts.</summary>
    private static int IndexOf(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));

    private sealed record EveryN(int N) : Chunking
    {
        protected override IEnumerable<int> Cuts(byte[] body)
        {
            for (long i = N; i < body.Length; i += N)
            {
                yield return (int)i;
            }
        }
    }

    private sealed record AtMarkers(string[] Markers) : Chunking
    {
        protected override IEnumerable<int> Cuts(byte[] body)
        {
            foreach (var marker in Markers)
            {
                var bar = marker.IndexOf('|', StringComparison.Ordinal);
                var index = IndexOf(body, marker.Remove(bar, 1));
                if (index >= 0)
                {
                    yield return index + Encoding.UTF8.GetByteCount(marker[..bar]);
                }
            }
        }
    }

    private sealed record AtBytes(string Text, int BytesIn) : Chunking
    {
        protected override IEnumerable<int> Cuts(byte[] body) => IndexOf(body, Text) is var index and >= 0 ? [index + BytesIn] : [];
    }

    private sealed record Combined(Chunking[] Parts) : Chunking
    {
        protected override IEnumerable<int> Cuts(byte[] body) => Parts.SelectMany(p => p.Cuts(body));
    }
}

using System.Text;
using System.IO.Pipelines;
using Gateway.Server.Sse;

namespace Gateway.IntegrationTests.Providers;

/// <summary>The SSE line reader (WHATWG HTML §9.2.6) fed a given number of bytes per read, down to one.</summary>
public sealed class SseReaderTests
{
    private const string Stream =
        ": comment first\n" +
        "event: first\ndata: one\n\n" +
        "data:no space\r\ndata:  two spaces\r\n\r\n" +
        "event: cr\rdata: lone CR line ends\r\r" +
        "data\nid: 7\nretry: 10\nignored-field: x\n\n" +
        "data: ünïcödé 🙂\n\n" +
        "event: no-data\n\n" +
        "data: {\"json\": [1, 2]}\n\n" +
        "data: at end without a blank line";

    private static readonly (string Type, string Data)[] Expected =
    [
        ("first", "one"),
        ("", "no space\n two spaces"),
        ("cr", "lone CR line ends"),
        ("", ""),
        ("", "ünïcödé 🙂"),
        ("", "{\"json\": [1, 2]}"),
        ("", "at end without a blank line"),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(4096)]
    public async Task EventsAreTheSameHoweverTheBytesAreSplit(int bytesPerRead)
    {
        await using var reader = new SseReader(PipeReader.Create(new TrickleStream(Encoding.UTF8.GetBytes(Stream), bytesPerRead)), maxEventBytes: 1024);
        var events = new List<(string, string)>();

        while (await reader.ReadEventAsync(default))
        {
            events.Add((Encoding.UTF8.GetString(reader.EventType), Encoding.UTF8.GetString(reader.Data)));
        }

        Assert.Equal(Expected, events);
    }

    [Fact]
    public async Task AnEventOverTheLimitIsRejected()
    {
        var body = "data: " + new string('x', 600) + "\ndata: " + new string('y', 600) + "\n\n";
        await using var reader = new SseReader(PipeReader.Create(new TrickleStream(Encoding.UTF8.GetBytes(body), 100)), maxEventBytes: 1000);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadEventAsync(default));
    }

    [Fact]
    public async Task AnUnterminatedLineOverTheLimitIsRejected()
    {
        var body = "data: " + new string('x', 5000);
        await using var reader = new SseReader(PipeReader.Create(new TrickleStream(Encoding.UTF8.GetBytes(body), 700)), maxEventBytes: 1000);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadEventAsync(default));
    }

    /// <summary>A stream that hands out at most a fixed number of bytes per read.</summary>
    private sealed class TrickleStream(byte[] bytes, int bytesPerRead) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(bytesPerRead, buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

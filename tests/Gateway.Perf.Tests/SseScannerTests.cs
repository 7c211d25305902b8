using System.Text;
using Gateway.LoadGen;

namespace Gateway.Perf.Tests;

public sealed class SseScannerTests
{
    private const string GatewayStream =
        "event: connected\ndata: {\"type\":\"connected\",\"sessionId\":\"S\"}\n\n" +
        ": ping\n\n" +
        "event: harness_start\ndata: {\"type\":\"harness_start\"}\n\n" +
        "event: text\ndata: {\"type\":\"text\",\"content\":\"event: text inside a value\"}\n\n" +
        "event: text\ndata: {\"type\":\"text\"}\n\n" +
        "event: harness_end\ndata: {}\n\n";

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void StampsEachMarkerWithTheReadThatCompletedItsLineWhenFedOneBytePerRead(string newline)
    {
        var bytes = Encoding.UTF8.GetBytes(GatewayStream.Replace("\n", newline, StringComparison.Ordinal));
        var scanner = new SseScanner("event: connected", "event: text");

        for (var i = 0; i < bytes.Length; i++)
        {
            scanner.Feed(bytes.AsSpan(i, 1), timestamp: i + 1);
        }

        var text = Encoding.UTF8.GetString(bytes);
        Assert.Equal(text.IndexOf("event: connected", StringComparison.Ordinal) + "event: connected".Length + newline.Length, scanner.ConnectedAt);
        Assert.Equal(text.IndexOf("event: text", StringComparison.Ordinal) + "event: text".Length + newline.Length, scanner.FirstContentAt);
        Assert.Equal(5, scanner.Events); // the ping comment is not an event
    }

    [Fact]
    public void FindsMarkersInOneReadAndCountsOpenAiDataOnlyEvents()
    {
        var stream = "data: {\"choices\":[]}\n\ndata: {\"choices\":[]}\n\ndata: [DONE]\n\n"u8;
        var scanner = new SseScanner("event: connected", "data:");

        scanner.Feed(stream, timestamp: 42);

        Assert.Equal(0, scanner.ConnectedAt);
        Assert.Equal(42, scanner.FirstContentAt);
        Assert.Equal(3, scanner.Events);
    }

    [Fact]
    public void MatchesAMarkerOnALineLongerThanTheCarryBufferSplitAcrossReads()
    {
        var line = "event: text" + new string('x', 500) + "\n";
        var scanner = new SseScanner("event: connected", "event: text");

        scanner.Feed(Encoding.UTF8.GetBytes(line[..5]), 1);
        scanner.Feed(Encoding.UTF8.GetBytes(line[5..300]), 2);
        scanner.Feed(Encoding.UTF8.GetBytes(line[300..] + "data: {}\n\n"), 3);

        Assert.Equal(3, scanner.FirstContentAt);
        Assert.Equal(1, scanner.Events);
        scanner.Reset();
        scanner.Feed("event: text\n"u8, 9);
        Assert.Equal(9, scanner.FirstContentAt);
        Assert.Equal(0, scanner.Events);
    }

    [Fact]
    public void FirstContentContainsSkipsTheRoleOnlyChunkAndFindsTheTextAnywhereInASplitLine()
    {
        // An OpenAI-style stream: every line starts with "data:", and the first chunk carries only the role.
        const string Stream =
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n" +
            "data: {\"choices\":[{\"delta\":{\"content\":\"tok \"}}]}\n\n" +
            "data: [DONE]\n\n";
        var bytes = Encoding.UTF8.GetBytes(Stream);
        var secondLine = Stream.IndexOf("data: {\"choices\":[{\"delta\":{\"content\"", StringComparison.Ordinal);
        var scanner = new SseScanner("event: connected", "\"content\":\"tok", firstContentAnywhere: true);

        scanner.Feed(bytes.AsSpan(0, secondLine + 20), 1); // the marker's line is cut before the marker
        scanner.Feed(bytes.AsSpan(secondLine + 20), 2);

        Assert.Equal(2, scanner.FirstContentAt);
        Assert.Equal(3, scanner.Events);

        var prefixOnly = new SseScanner("event: connected", "\"content\":\"tok");
        prefixOnly.Feed(bytes, 5);
        Assert.Equal(0, prefixOnly.FirstContentAt); // as a line prefix the marker never matches
    }
}

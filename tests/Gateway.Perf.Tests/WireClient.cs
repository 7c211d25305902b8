using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Perf.Tests;

/// <summary>A deliberately naive HTTP/1.1 client for asserting on the mock's exact bytes.</summary>
internal static class WireClient
{
    /// <summary>Sends <paramref name="request"/> and reads until <paramref name="until"/> appears; returns the text, the time to the first byte and to the last.</summary>
    public static async Task<(string Text, TimeSpan FirstByte, TimeSpan LastByte)> ExchangeAsync(IPEndPoint endPoint, string request, string until)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        var started = Stopwatch.GetTimestamp();
        await socket.SendAsync(Encoding.UTF8.GetBytes(request));
        var text = new StringBuilder();
        var buffer = new byte[65536];
        TimeSpan? firstByte = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!text.ToString().Contains(until, StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }
            firstByte ??= Stopwatch.GetElapsedTime(started);
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return (text.ToString(), firstByte ?? TimeSpan.MaxValue, Stopwatch.GetElapsedTime(started));
    }

    public static string ChatRequest(string body) => PostRequest("/v1/chat/completions", body);

    public static string PostRequest(string path, string body) =>
        $"POST {path} HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    /// <summary>The <c>data:</c> payloads of an SSE body carried in HTTP chunks (the chunk framing is dropped).</summary>
    public static List<string> DataLines(string response) =>
        [.. SseBlocks(response).Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : "NOT DATA: " + e)];

    /// <summary>The named events of such a body, each <c>event: name</c> then <c>data: payload</c>, as (name, payload).</summary>
    public static List<(string Name, string Data)> NamedEvents(string response) =>
        [.. SseBlocks(response).Select(e => e.Split('\n') is [var name, var data] && name.StartsWith("event: ", StringComparison.Ordinal)
            && data.StartsWith("data: ", StringComparison.Ordinal) ? (name[7..], data[6..]) : ("NOT AN EVENT", e))];

    private static string[] SseBlocks(string response)
    {
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        var decoded = new StringBuilder();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(body[..lineEnd], 16);
            if (size == 0)
            {
                break;
            }
            decoded.Append(body, lineEnd + 2, size);
            body = body[(lineEnd + 2 + size + 2)..];
        }
        return decoded.ToString().Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
    }
}

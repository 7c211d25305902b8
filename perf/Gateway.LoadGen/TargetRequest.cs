using System.Net;
using System.Text;

namespace Gateway.LoadGen;

/// <summary>The request every connection sends, encoded once; and the pipelined batch of it.</summary>
public sealed class TargetRequest
{
    public TargetRequest(LoadOptions options)
    {
        var url = options.Url;
        EndPoint = IPAddress.TryParse(url.Host, out var ip)
            ? new IPEndPoint(ip, url.Port)
            : new IPEndPoint(Dns.GetHostAddresses(url.Host).First(), url.Port);
        var head = new StringBuilder()
            .Append(options.EffectiveMethod).Append(' ').Append(url.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(url.Authority).Append("\r\n");
        if (options.Sse)
        {
            head.Append("Accept: text/event-stream\r\n");
        }
        if (options.Body is { } body)
        {
            head.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length).Append("\r\n");
        }
        foreach (var header in options.Headers)
        {
            head.Append(header).Append("\r\n");
        }
        head.Append("\r\n");
        Bytes = [.. Encoding.UTF8.GetBytes(head.ToString()), .. options.Body ?? []];
        Pipeline = options.Pipeline;
        Batch = [.. Enumerable.Repeat(Bytes, Pipeline).SelectMany(b => b)];
        Sse = options.Sse;
        IsHead = options.EffectiveMethod == "HEAD";
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>One request, head and body.</summary>
    public byte[] Bytes { get; }

    /// <summary><see cref="Pipeline"/> copies of <see cref="Bytes"/>, written at once.</summary>
    public byte[] Batch { get; }

    public int Pipeline { get; }

    public bool Sse { get; }

    /// <summary>Responses to HEAD have no body (RFC 9112 §6.3).</summary>
    public bool IsHead { get; }
}

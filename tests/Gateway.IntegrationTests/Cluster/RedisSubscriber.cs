using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>A raw RESP connection subscribed to one channel: an instance that listens and never answers.</summary>
internal sealed class RedisSubscriber : IDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;

    private RedisSubscriber(TcpClient client)
    {
        _client = client;
        _reader = new StreamReader(client.GetStream(), Encoding.UTF8);
    }

    public static async Task<RedisSubscriber> SubscribeAsync(int port, string channel)
    {
        var client = new TcpClient();
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"SUBSCRIBE {channel}\r\n"), timeout.Token);
        var subscriber = new RedisSubscriber(client);
        // The confirmation: *3, $9, subscribe, $n, the channel, :1.
        for (var line = 0; line < 6; line++)
        {
            await subscriber._reader.ReadLineAsync(timeout.Token);
        }
        return subscriber;
    }

    /// <summary>The next message's payload (a JSON object: the line that starts with '{'), waited for (bounded).</summary>
    public async Task<string> NextMessageAsync()
    {
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("Redis closed the subscription.");
            if (line.StartsWith('{'))
            {
                return line;
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }
}

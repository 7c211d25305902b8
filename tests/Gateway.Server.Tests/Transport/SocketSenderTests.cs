using System.Net;
using System.Net.Sockets;
using Gateway.Server.Transport;

namespace Gateway.Server.Tests.Transport;

/// <summary><see cref="SocketSender"/> over real loopback sockets: bytes arrive, and no buffer is kept once a send is done.</summary>
public sealed class SocketSenderTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly Socket _client;
    private readonly Socket _server;
    private readonly SocketSender _sender = new();

    public SocketSenderTests()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _client.Connect(listener.LocalEndPoint!);
        _server = listener.Accept();
    }

    public void Dispose()
    {
        _sender.Dispose();
        _client.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task ASendDoneAtOnceDeliversTheBytesAndKeepsNoBuffer()
    {
        var sent = await _sender.SendAsync(_server, "hello"u8.ToArray());

        Assert.Equal(5, sent);
        Assert.True(_sender.MemoryBuffer.IsEmpty);
        Assert.Equal("hello"u8.ToArray(), await ReceiveAsync(5));
    }

    [Fact]
    public async Task ASendThatWaitsForThePeerKeepsNoBufferOnceDone()
    {
        _server.SendBufferSize = 4096;
        var block = new byte[64 * 1024];
        long total = 0;
        ValueTask<int> pending = default;
        // The peer reads nothing, so the kernel's buffers fill and a send has to wait (bounded: a few MiB at most).
        for (var i = 0; i < 1000; i++)
        {
            pending = _sender.SendAsync(_server, block);
            if (!pending.IsCompleted)
            {
                break;
            }
            total += await pending;
        }
        Assert.False(pending.IsCompleted);
        Assert.False(_sender.MemoryBuffer.IsEmpty);

        var draining = DrainAsync();
        total += await pending.AsTask().WaitAsync(Bound);

        Assert.True(_sender.MemoryBuffer.IsEmpty);
        _server.Shutdown(SocketShutdown.Send);
        Assert.Equal(total, await draining.WaitAsync(Bound));
    }

    [Fact]
    public async Task ASendToAPeerThatResetIsASocketException()
    {
        _client.LingerState = new LingerOption(true, 0);
        _client.Close();

        // The reset reaches the sender with the reply to a send after it, so the first one may still succeed.
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await _sender.SendAsync(_server, "x"u8.ToArray());
            }
        });
        Assert.True(_sender.MemoryBuffer.IsEmpty);
    }

    private async Task<byte[]> ReceiveAsync(int count)
    {
        var buffer = new byte[count];
        var received = 0;
        using var timeout = new CancellationTokenSource(Bound);
        while (received < count)
        {
            received += await _client.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token);
        }
        return buffer;
    }

    /// <summary>Reads until the server's side ends; the count of bytes read.</summary>
    private async Task<long> DrainAsync()
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        using var timeout = new CancellationTokenSource(Bound);
        int read;
        while ((read = await _client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            total += read;
        }
        return total;
    }
}

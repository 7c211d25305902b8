using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure.Upstream;

/// <summary>One accepted upstream connection: read a request, write chosen bytes, watch for the client's close; every wait bounded.</summary>
internal sealed class RawUpstreamConnection(Stream stream, string? serverName, IPEndPoint local, IPEndPoint remote) : IAsyncDisposable
{
    /// <summary>The longest any single wait on the client takes before the test fails.</summary>
    public static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(10);

    private readonly List<byte> _pending = [];
    private readonly byte[] _read = new byte[16 * 1024];

    /// <summary>The server name the client sent in its TLS hello (SNI), or null (plain, or none sent).</summary>
    public string? ServerName => serverName;

    /// <summary>The next request: its head (lines without the blank one) and its Content-Length body.</summary>
    public async Task<(string Head, string Body)> ReadRequestAsync()
    {
        int end;
        while ((end = HeadEnd()) < 0)
        {
            if (!await FillAsync())
            {
                throw new IOException("The client closed before a whole request head.");
            }
        }
        var head = Encoding.ASCII.GetString([.. _pending.GetRange(0, end)]);
        _pending.RemoveRange(0, end + 4);
        var length = head.Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture))
            .FirstOrDefault();
        while (_pending.Count < length)
        {
            if (!await FillAsync())
            {
                throw new IOException("The client closed inside a request body.");
            }
        }
        var body = Encoding.UTF8.GetString([.. _pending.GetRange(0, length)]);
        _pending.RemoveRange(0, length);
        return (head, body);
    }

    /// <summary>Sends these bytes in one write, flushed.</summary>
    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteAsync(byte[] bytes)
    {
        using var bound = new CancellationTokenSource(WaitBound);
        await stream.WriteAsync(bytes, bound.Token);
        await stream.FlushAsync(bound.Token);
    }

    /// <summary>Sends each piece in its own write.</summary>
    public async Task WritePiecesAsync(IEnumerable<byte[]> pieces)
    {
        foreach (var piece in pieces)
        {
            await WriteAsync(piece);
        }
    }

    /// <summary>Completes once the kernel holds nothing written on this connection: the client's process has taken every byte.</summary>
    public async Task WaitUntilTakenAsync()
    {
        var clock = Stopwatch.StartNew();
        while (KernelSocketQueues.Find(local, remote) is not { SendQueue: 0 } || KernelSocketQueues.Find(remote, local) is not { ReceiveQueue: 0 })
        {
            if (clock.Elapsed > WaitBound)
            {
                throw new TimeoutException("The client did not take what was written.");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Completes when the client closes the connection (end of stream or reset); fails after the bound.</summary>
    public async Task WaitForCloseAsync()
    {
        try
        {
            while (await FillAsync())
            {
            }
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();

    private async Task<bool> FillAsync()
    {
        using var bound = new CancellationTokenSource(WaitBound);
        var read = await stream.ReadAsync(_read, bound.Token);
        _pending.AddRange(_read.AsSpan(0, read));
        return read > 0;
    }

    private int HeadEnd() => CollectionsMarshal.AsSpan(_pending).IndexOf("\r\n\r\n"u8);
}

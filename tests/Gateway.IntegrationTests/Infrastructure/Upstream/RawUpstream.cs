using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;

namespace Gateway.IntegrationTests.Infrastructure.Upstream;

/// <summary>
/// A loopback upstream whose connections the test drives itself, byte for byte: it accepts, the test reads each
/// request and writes exactly the answer bytes it wants (framing, splits, cuts, closes). With a certificate it speaks
/// TLS and records the server name each client asked for (SNI).
/// </summary>
internal sealed class RawUpstream : IAsyncDisposable
{
    private static readonly TimeSpan AcceptBound = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _certificate;
    private readonly Channel<RawUpstreamConnection> _accepted = Channel.CreateUnbounded<RawUpstreamConnection>();
    private readonly List<RawUpstreamConnection> _connections = [];
    private readonly Task _acceptLoop;

    private RawUpstream(X509Certificate2? certificate)
    {
        _certificate = certificate;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections have been accepted.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_connections)
            {
                return _connections.Count;
            }
        }
    }

    public static RawUpstream Start(X509Certificate2? certificate = null) => new(certificate);

    public Uri Url(string path = "/", string host = "127.0.0.1") => new($"{(_certificate is null ? "http" : "https")}://{host}:{Port}{path}");

    /// <summary>The next connection a client opened; the test fails if none comes within 10 s.</summary>
    public async Task<RawUpstreamConnection> AcceptAsync()
    {
        using var bound = new CancellationTokenSource(AcceptBound);
        return await _accepted.Reader.ReadAsync(bound.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _acceptLoop;
        RawUpstreamConnection[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                _accepted.Writer.Complete();
                return;
            }
            socket.NoDelay = true;
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            string? serverName = null;
            if (_certificate is { } certificate)
            {
                var tls = new SslStream(stream);
                using var bound = new CancellationTokenSource(AcceptBound);
                try
                {
                    await tls.AuthenticateAsServerAsync(
                        new SslServerAuthenticationOptions
                        {
                            ServerCertificateSelectionCallback = (_, name) =>
                            {
                                serverName = name;
                                return certificate;
                            },
                        },
                        bound.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
                {
                    // A client that refused our certificate: the test sees that on its side.
                    await tls.DisposeAsync();
                    continue;
                }
                stream = tls;
            }
            var connection = new RawUpstreamConnection(stream, serverName, (IPEndPoint)socket.LocalEndPoint!, (IPEndPoint)socket.RemoteEndPoint!);
            lock (_connections)
            {
                _connections.Add(connection);
            }
            _accepted.Writer.TryWrite(connection);
        }
    }
}

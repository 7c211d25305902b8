using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// Debian's <c>redis-server</c> as a child process of the test, never the system service: its own free port, no
/// persistence, its own directory; killed and the directory removed on dispose.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gateway-redis-");
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>What REDIS_URL names to reach it.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var redis = new RedisServer(FreePort());
        await redis.RestartAsync();
        return redis;
    }

    /// <summary>Starts the server on its port (again, empty: nothing is saved) and waits (bounded) until it answers PING.</summary>
    public async Task RestartAsync()
    {
        _process = Process.Start(ClientProcess.StartInfo(RequiredTool.Path("redis-server", "redis-server"), [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory.FullName]))!;
        // Drained, so its log never fills the pipe and stalls it.
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        while (true)
        {
            try
            {
                if (await CommandAsync("PING") == "+PONG")
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            Assert.False(_process.HasExited, "redis-server exited at start-up.");
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>SIGKILL: Redis is gone at once, as in a crash, with every key.</summary>
    public async Task KillAsync()
    {
        _process!.Kill();
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    /// <summary>One inline command (RESP's inline form: arguments without spaces) and the first line of its reply.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(RawConnection.ReadTimeout);
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }

    /// <summary>Waits (at most 5 s, asking every 50 ms) until <paramref name="command"/> answers <paramref name="reply"/>: a state the instances reach by writes nobody waits for.</summary>
    public async Task WaitForAsync(string command, string reply)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (await CommandAsync(command) != reply)
        {
            await Task.Delay(50, bound.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await KillAsync();
        }
        _directory.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;

namespace Gateway.LoadGen;

/// <summary>
/// Enforces per-request deadlines without a timer or token per request: one thread looks at every connection
/// every 20 ms and aborts those past their deadline (their pending read or write then fails, and the connection
/// reports <see cref="ErrorKind.Timeout"/>). Deadlines are therefore honoured to about 20 ms.
/// </summary>
public sealed class TimeoutWatchdog : IDisposable
{
    private readonly HashSet<LoadConnection> _connections = [];
    private readonly Thread _thread;
    private volatile bool _stopped;

    public TimeoutWatchdog()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "loadgen-timeouts" };
        _thread.Start();
    }

    public void Add(LoadConnection connection)
    {
        lock (_connections)
        {
            _connections.Add(connection);
        }
    }

    public void Remove(LoadConnection connection)
    {
        lock (_connections)
        {
            _connections.Remove(connection);
        }
    }

    private void Run()
    {
        while (!_stopped)
        {
            Thread.Sleep(20);
            var now = Stopwatch.GetTimestamp();
            lock (_connections)
            {
                foreach (var connection in _connections)
                {
                    connection.AbortIfPast(now);
                }
            }
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }
}

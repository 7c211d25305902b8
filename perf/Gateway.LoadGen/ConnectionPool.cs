namespace Gateway.LoadGen;

/// <summary>The open loop's idle keep-alive connections (most recently used first); grows when none is idle.</summary>
public sealed class ConnectionPool(TargetRequest target, TimeoutWatchdog watchdog, Func<SseScanner?> newScanner) : IDisposable
{
    private readonly Stack<LoadConnection> _idle = new();
    private readonly HashSet<LoadConnection> _all = [];
    private long _peak;

    /// <summary>Most connections that existed at once.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>Opens <paramref name="count"/> connections up front, so the first second does not measure connects.</summary>
    public async Task PrefillAsync(int count)
    {
        var fresh = Enumerable.Range(0, count).Select(_ => Create()).ToArray();
        var opened = await Task.WhenAll(fresh.Select(c => c.OpenAsync().AsTask())).ConfigureAwait(false);
        for (var i = 0; i < fresh.Length; i++)
        {
            if (opened[i])
            {
                Return(fresh[i], reusable: true);
            }
            else
            {
                Return(fresh[i], reusable: false);
            }
        }
    }

    public LoadConnection Rent()
    {
        lock (_idle)
        {
            if (_idle.TryPop(out var connection))
            {
                return connection;
            }
        }
        return Create();
    }

    public void Return(LoadConnection connection, bool reusable)
    {
        lock (_idle)
        {
            if (reusable)
            {
                _idle.Push(connection);
                return;
            }
            _all.Remove(connection);
        }
        connection.Dispose();
    }

    private LoadConnection Create()
    {
        var connection = new LoadConnection(target, watchdog, newScanner());
        lock (_idle)
        {
            _all.Add(connection);
            _peak = Math.Max(_peak, _all.Count);
        }
        return connection;
    }

    public void Dispose()
    {
        lock (_idle)
        {
            foreach (var connection in _all)
            {
                connection.Dispose();
            }
            _all.Clear();
            _idle.Clear();
        }
    }
}

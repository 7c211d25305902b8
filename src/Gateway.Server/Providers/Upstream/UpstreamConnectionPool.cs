using System.Collections.Concurrent;
using System.Net.Security;

namespace Gateway.Server.Providers.Upstream;

/// <summary>Idle keep-alive connections per origin, newest first, bounded in number and in age.</summary>
internal sealed class UpstreamConnectionPool(UpstreamHttpOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<UpstreamOrigin, List<UpstreamConnection>> _idle = new();
    private volatile bool _disposed;

    public TimeProvider Clock => options.Clock;

    public RemoteCertificateValidationCallback? CertificateValidation => options.ServerCertificateValidation;

    /// <summary>The most recently returned connection to <paramref name="origin"/> that is young enough and still open, or null.</summary>
    public UpstreamConnection? TryRent(UpstreamOrigin origin)
    {
        if (!_idle.TryGetValue(origin, out var idle))
        {
            return null;
        }
        while (true)
        {
            UpstreamConnection connection;
            lock (idle)
            {
                if (idle.Count == 0)
                {
                    return null;
                }
                connection = idle[^1];
                idle.RemoveAt(idle.Count - 1);
            }
            if (!Expired(connection) && connection.LooksIdle())
            {
                return connection;
            }
            connection.Close();
        }
    }

    /// <summary>Keeps a connection whose exchange ended cleanly; one over the bounds is closed instead.</summary>
    public void Return(UpstreamConnection connection)
    {
        var idle = _idle.GetOrAdd(connection.Origin, static _ => []);
        UpstreamConnection? expired = null;
        var kept = false;
        lock (idle)
        {
            if (!_disposed && idle.Count < options.MaxIdleConnectionsPerOrigin && !Expired(connection))
            {
                idle.Add(connection);
                kept = true;
            }
            // The oldest idle connection goes once it has outlived its lifetime, so none lingers forever.
            if (idle.Count > 0 && Expired(idle[0]))
            {
                expired = idle[0];
                idle.RemoveAt(0);
            }
        }
        if (!kept)
        {
            connection.Close();
        }
        expired?.Close();
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var idle in _idle.Values)
        {
            lock (idle)
            {
                foreach (var connection in idle)
                {
                    connection.Close();
                }
                idle.Clear();
            }
        }
    }

    private bool Expired(UpstreamConnection connection) => options.Clock.GetElapsedTime(connection.OpenedAt) >= options.PooledConnectionLifetime;
}

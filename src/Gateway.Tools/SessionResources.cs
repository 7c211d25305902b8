namespace Gateway.Tools;

/// <summary>
/// What tools made for one session and only for it (an MCP server process of its own), one per key, disposed all at once
/// when the session ends. Tools stay unaware of who keeps them: the orchestrator ends them with the session's workspace.
/// </summary>
public sealed class SessionResources
{
    private readonly Lock _lock = new();
    private readonly Dictionary<object, IAsyncDisposable> _items = [];
    private bool _ended;

    /// <summary>The resource kept under <paramref name="key"/>, made by <paramref name="create"/> (cheap, no I/O: it runs under a lock) on first use.</summary>
    /// <exception cref="ObjectDisposedException">The session has ended: work that outlived it makes nothing new.</exception>
    public T GetOrAdd<T>(object key, Func<T> create) where T : class, IAsyncDisposable
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            if (_items.TryGetValue(key, out var item))
            {
                return (T)item;
            }
            var made = create();
            _items.Add(key, made);
            return made;
        }
    }

    /// <summary>Opens the bag for the session about to start.</summary>
    internal void Begin()
    {
        lock (_lock)
        {
            _ended = false;
        }
    }

    /// <summary>Disposes everything the session made, at once, and takes nothing more until <see cref="Begin"/>.</summary>
    public async Task EndAsync()
    {
        IAsyncDisposable[] items;
        lock (_lock)
        {
            _ended = true;
            items = [.. _items.Values];
            _items.Clear();
        }
        if (items.Length > 0)
        {
            await Task.WhenAll(items.Select(i => i.DisposeAsync().AsTask())).ConfigureAwait(false);
        }
    }
}

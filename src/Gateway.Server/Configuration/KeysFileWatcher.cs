using Gateway.Server.Diagnostics;
using Gateway.Server.Http;
using Gateway.Server.Primitives;

namespace Gateway.Server.Configuration;

/// <summary>
/// Reads GATEWAY_KEYS_FILE again without a restart: on SIGHUP (<see cref="Reload"/>, from Program) and when the file
/// changes. A file that cannot be read or is not valid keeps the keys in force and logs an error, so a bad edit never
/// leaves the gateway without authentication. Each key's usage is kept by its name, so it carries over.
/// </summary>
/// <remarks>
/// The directory is watched, not the file: editors and deploy tools replace a file by renaming another over it, which a
/// watch on the old file would not see. Changes come in bursts (truncate, write, close), so the file is read once they
/// have been quiet for <see cref="Quiet"/>.
/// </remarks>
internal sealed class KeysFileWatcher : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly string _path;
    private readonly IReadOnlyList<ClientKey> _apiKeys;
    private readonly BearerKeyAuthenticator _authenticator;
    private readonly GatewayLog _log;
    private readonly Lock _gate = new();
    private readonly ITimer _settle;
    private readonly FileSystemWatcher _watcher;

    /// <param name="path">The file's full path.</param>
    /// <param name="apiKeys">GATEWAY_API_KEYS' keys, which stay as they are.</param>
    public KeysFileWatcher(string path, IReadOnlyList<ClientKey> apiKeys, BearerKeyAuthenticator authenticator, GatewayLog log)
    {
        _path = path;
        _apiKeys = apiKeys;
        _authenticator = authenticator;
        _log = log;
        _settle = TimeProvider.System.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnChanged;
        _watcher.Created += OnChanged;
        _watcher.Renamed += OnChanged;
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Reads the file and puts its keys in force for the next request on; false (logged) when it cannot, and the old keys stay.</summary>
    public bool Reload()
    {
        // A SIGHUP and a change at once read the file one after the other, so the last read wins.
        lock (_gate)
        {
            List<ClientKey> keys;
            try
            {
                keys = KeysFile.Load(_path, _apiKeys);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                _log.Error($"GATEWAY_KEYS_FILE={_path} not reloaded, the keys in force stay: {e.Message}");
                return false;
            }
            _authenticator.Replace([.. _apiKeys, .. keys]);
            _log.Info($"GATEWAY_KEYS_FILE={_path} reloaded: {keys.Count} keys ({string.Join(", ", keys.Select(k => k.Name))}).");
            return true;
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _settle.Dispose();
    }

    /// <summary>Each change starts the quiet time over.</summary>
    private void OnChanged(object sender, FileSystemEventArgs e) => _settle.Change(Quiet, Timeout.InfiniteTimeSpan);
}

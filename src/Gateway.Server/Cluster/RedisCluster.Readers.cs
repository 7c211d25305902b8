using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <remarks>
/// The owner's side of readers on other instances (<see cref="ClusterKeys.Reader"/>, <see cref="RemoteSessionEvents"/>):
/// whether one follows a session, and one live reader across instances (SPEC §9): a reader here removes the remote
/// reader's token, which that reader's next poll sees; a remote reader's notice ends the reader here (<see cref="RelayMessages.ReaderAttached"/>).
/// </remarks>
internal sealed partial class RedisCluster
{
    public void ReaderAttached(string sessionId) =>
        FireAndForget(_database, d => d.KeyDelete(ClusterKeys.Reader(sessionId), CommandFlags.FireAndForget));

    /// <summary>Whether a reader on another instance follows the session now; said in the log when it keeps the session past its grace.</summary>
    private async ValueTask<bool> IsReadElsewhereAsync(string sessionId)
    {
        try
        {
            if (!await _database.KeyExistsAsync(ClusterKeys.Reader(sessionId)).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
        _log.Info($"Cluster: session {sessionId} kept past its grace: read on another instance.");
        return true;
    }
}

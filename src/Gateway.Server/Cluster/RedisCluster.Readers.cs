using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <remarks>The owner's side of readers on other instances: whether one follows a session (<see cref="ClusterKeys.Reader"/>).</remarks>
internal sealed partial class RedisCluster
{
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

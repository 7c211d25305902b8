using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <remarks>
/// A key's sessions are each instance's share in one hash, so a dead instance's share goes with it: the admission
/// script drops the share of an instance whose liveness key expired. Each heartbeat sets this instance's shares to its
/// own counts, which repairs a Redis that restarted empty. The script reads the instance keys it is not given as
/// KEYS, which a single Redis allows and Redis Cluster does not (docs/deploy.md).
/// </remarks>
internal sealed partial class RedisCluster
{
    private const string AdmitScript = """
        local tokenLimit = tonumber(ARGV[3])
        if tokenLimit >= 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= tokenLimit then
          return 2
        end
        local sessionLimit = tonumber(ARGV[2])
        local running = 0
        local shares = redis.call('HGETALL', KEYS[1])
        for i = 1, #shares, 2 do
          if shares[i] == ARGV[1] or redis.call('EXISTS', ARGV[4] .. shares[i]) == 1 then
            running = running + tonumber(shares[i + 1])
          else
            redis.call('HDEL', KEYS[1], shares[i])
          end
        end
        if sessionLimit >= 0 and running >= sessionLimit then
          return 1
        end
        redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
        return 0
        """;

    /// <summary>Two days: a day's tokens are read until it ends, whatever the time zone of the instance's clock.</summary>
    private static readonly TimeSpan s_tokensKept = TimeSpan.FromDays(2);

    public async ValueTask<KeyVerdict> EnterKeyAsync(string keyName, int? maxSessions, long? tokensPerDay, long day)
    {
        if (!_redis.IsConnected)
        {
            return KeyVerdict.Admitted;
        }
        try
        {
            var verdict = await _database.ScriptEvaluateAsync(
                AdmitScript,
                [ClusterKeys.KeySessions(keyName), ClusterKeys.KeyTokens(keyName, day)],
                [InstanceId, maxSessions ?? -1, tokensPerDay ?? -1, ClusterKeys.InstancePrefix]).ConfigureAwait(false);
            return (KeyVerdict)(int)verdict;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return KeyVerdict.Admitted;
        }
    }

    public void ExitKey(string keyName) =>
        FireAndForget(_database, d => d.HashDecrement(ClusterKeys.KeySessions(keyName), InstanceId, flags: CommandFlags.FireAndForget));

    public async ValueTask<long?> SpendKeyTokensAsync(string keyName, long day, long tokens)
    {
        if (!_redis.IsConnected)
        {
            return null;
        }
        try
        {
            var key = ClusterKeys.KeyTokens(keyName, day);
            var batch = _database.CreateBatch();
            var total = batch.StringIncrementAsync(key, tokens);
            _ = batch.KeyExpireAsync(key, s_tokensKept, flags: CommandFlags.FireAndForget);
            batch.Execute();
            return await total.ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>This instance's share of each key's sessions, as its own counts say, in the heartbeat's pipeline.</summary>
    private void RefreshKeyShares(IBatch batch, List<Task> writes)
    {
        foreach (var (keyName, running) in _keySessions())
        {
            writes.Add(batch.HashSetAsync(ClusterKeys.KeySessions(keyName), InstanceId, running));
        }
    }
}

using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <remarks>
/// Pub/sub rather than a list and BLPOP: the client multiplexes one connection and does not allow blocking commands on
/// it; a message to a dead instance vanishes instead of piling up in a list; and PUBLISH says whether the owner listens.
/// </remarks>
internal sealed partial class RedisCluster
{
    public async Task<RelayReply> ForwardRelayAsync(string sessionId, string relayId, string response)
    {
        var reply = await ForwardAsync(sessionId, relayId, response).ConfigureAwait(false);
        _metrics.Forwarded(reply.Outcome);
        return reply;
    }

    private async Task<RelayReply> ForwardAsync(string sessionId, string relayId, string response)
    {
        if (!_redis.IsConnected)
        {
            return RelayReply.Unavailable;
        }
        var id = Interlocked.Increment(ref _nextRequest).ToString(CultureInfo.InvariantCulture);
        var waiter = new TaskCompletionSource<RelayReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _forwarded[id] = waiter;
        try
        {
            var registration = (string?)await _database.StringGetAsync(ClusterKeys.Session(sessionId)).ConfigureAwait(false);
            var owner = registration is null ? null : SessionOwner.InstanceOf(registration);
            // Ours yet not in the registry: it ended between the endpoint's look and this one.
            if (owner is null || owner == InstanceId)
            {
                return RelayReply.SessionNotFound;
            }
            var request = RelayMessages.Request(id, InstanceId, sessionId, relayId, response);
            if (await _subscriber.PublishAsync(ClusterKeys.Relays(owner), request).ConfigureAwait(false) == 0)
            {
                // Nobody listens: the owner died and its registration has not expired yet (then: not found), or it is reconnecting.
                return RelayReply.Unavailable;
            }
            return await waiter.Task.WaitAsync(_options.RelayTimeout, _options.Clock).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            return RelayReply.Unavailable;
        }
        catch (TimeoutException)
        {
            return RelayReply.TimedOut;
        }
        finally
        {
            _forwarded.TryRemove(id, out _);
        }
    }

    /// <summary>A relay answer another instance forwarded: settled here as a local one is, its reply published back; or a reader elsewhere that took a session over.</summary>
    private void OnRelay(RedisChannel channel, RedisValue message)
    {
        string id, replyTo;
        RelayReply reply;
        try
        {
            using var document = JsonDocument.Parse((ReadOnlyMemory<byte>)message);
            if (RelayMessages.ReaderAttachedTo(document.RootElement) is { } attached)
            {
                _resumable.EndReader(attached);
                return;
            }
            (id, replyTo, var sessionId, var relayId, var response) = RelayMessages.ReadRequest(document.RootElement);
            reply = _settle(sessionId, relayId, response);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            _log.Warning("Cluster: a forwarded relay message could not be read; it is dropped (the sender times out).", e);
            return;
        }
        try
        {
            _subscriber.Publish(ClusterKeys.Replies(replyTo), RelayMessages.Reply(id, reply), CommandFlags.FireAndForget);
        }
        catch (RedisConnectionException)
        {
            // Redis went away in between: the sender times out (504), as it would had the reply been lost.
        }
    }

    private void OnReply(RedisChannel channel, RedisValue message)
    {
        try
        {
            using var document = JsonDocument.Parse((ReadOnlyMemory<byte>)message);
            var (id, reply) = RelayMessages.ReadReply(document.RootElement);
            if (_forwarded.TryRemove(id, out var waiter))
            {
                waiter.TrySetResult(reply);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            _log.Warning("Cluster: a relay reply could not be read; it is dropped (the relay times out).", e);
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Sse;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>Settles a relay answer for a session this instance runs, as a local POST /chat/relay does (one home: the endpoint).</summary>
internal delegate RelayReply SettleRelay(string sessionId, string relayId, JsonElement response);

/// <summary>
/// The shared mode (REDIS_URL): this instance's liveness and the owner keys of its sessions that wait on relays,
/// refreshed in one pipeline per heartbeat, and relay answers passed between instances over pub/sub
/// (<see cref="ForwardRelayAsync"/>).
/// </summary>
/// <remarks>
/// The heartbeat ticks on <see cref="ClusterOptions.Clock"/>; the keys expire on Redis's clock. Each beat sets every
/// key again rather than only extending it, so a Redis that restarted empty has them all back after one beat.
/// </remarks>
internal sealed partial class RedisCluster : ICluster
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _database;
    private readonly ISubscriber _subscriber;
    private readonly ClusterOptions _options;
    /// <summary>The sessions registered since their first relay (<see cref="RelayPendingAsync"/>) or their start (resumable), until they end; each with its registration's value.</summary>
    private readonly ConcurrentDictionary<string, SessionRegistration> _registered = new(StringComparer.Ordinal);
    private readonly SettleRelay _settle;
    private readonly Func<IEnumerable<KeyValuePair<string, int>>> _keySessions;
    /// <summary>This instance's resumable sessions, whose live reader ends when a reader elsewhere takes over (<see cref="OnRelay"/>).</summary>
    private readonly ResumableSessions _resumable;
    private readonly GatewayLog _log;
    private readonly ClusterMetrics _metrics;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RelayReply>> _forwarded = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeat = Task.CompletedTask;
    /// <summary>Sends the resumable sessions' events (<see cref="RedisEventArchive"/>); started with the instance.</summary>
    private EventShipper? _shipper;
    private long _nextRequest;

    private RedisCluster(
        ConnectionMultiplexer redis, string instanceId, ClusterOptions options, SettleRelay settle,
        Func<IEnumerable<KeyValuePair<string, int>>> keySessions, ResumableSessions resumable, GatewayLog log, MetricsRegistry metrics)
    {
        _redis = redis;
        _database = redis.GetDatabase();
        _subscriber = redis.GetSubscriber();
        InstanceId = instanceId;
        _options = options;
        _settle = settle;
        _keySessions = keySessions;
        _resumable = resumable;
        _log = log;
        _metrics = new ClusterMetrics(metrics, () => redis.IsConnected);
    }

    /// <summary>This process's id among the instances: a UUID v7, new at each start.</summary>
    public string InstanceId { get; }

    /// <summary>Connects (bounded by <see cref="ClusterOptions.ConnectTimeout"/>), listens for relays and registers the instance.</summary>
    /// <param name="keySessions">Each client key's sessions running on this instance, by name: its shares of the keys' counts.</param>
    /// <param name="resumable">This instance's resumable sessions, whose readers a reader on another instance replaces.</param>
    /// <exception cref="ClusterUnavailableException">Redis cannot be reached.</exception>
    public static async Task<RedisCluster> ConnectAsync(
        ClusterOptions options, SettleRelay settle, Func<IEnumerable<KeyValuePair<string, int>>> keySessions, ResumableSessions resumable, GatewayLog log,
        MetricsRegistry metrics)
    {
        var instanceId = Guid.CreateVersion7().ToString();
        var address = options.Redis!;
        var configuration = new ConfigurationOptions
        {
            EndPoints = { address.EndPoint },
            Password = address.Password,
            DefaultDatabase = address.Database,
            ClientName = "gateway-" + instanceId,
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds,
            // A command while Redis is away fails at once (the relay answers 503) instead of queueing; the heartbeat re-sends what matters.
            BacklogPolicy = BacklogPolicy.FailFast,
            ReconnectRetryPolicy = new LinearRetry((int)Math.Min(options.Heartbeat.TotalMilliseconds, 1000)),
        };
        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            throw new ClusterUnavailableException($"REDIS_URL: cannot connect to Redis at {string.Join(", ", configuration.EndPoints)}: {e.Message}", e);
        }
        var cluster = new RedisCluster(redis, instanceId, options, settle, keySessions, resumable, log, metrics);
        try
        {
            await cluster.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            await redis.DisposeAsync().ConfigureAwait(false);
            throw new ClusterUnavailableException($"REDIS_URL: Redis at {string.Join(", ", configuration.EndPoints)} refused the instance's registration: {e.Message}", e);
        }
        return cluster;
    }

    private async Task StartAsync()
    {
        await _subscriber.SubscribeAsync(ClusterKeys.Relays(InstanceId), OnRelay).ConfigureAwait(false);
        await _subscriber.SubscribeAsync(ClusterKeys.Replies(InstanceId), OnReply).ConfigureAwait(false);
        await _database.StringSetAsync(ClusterKeys.Instance(InstanceId), 1, _options.TimeToLive).ConfigureAwait(false);
        _redis.ConnectionFailed += OnConnectionFailed;
        _redis.ConnectionRestored += OnConnectionRestored;
        _heartbeat = BeatAsync(_stop.Token);
        _shipper = new EventShipper(_database, _options.Clock);
        _log.Info($"Cluster: instance {InstanceId} registered in Redis at {string.Join(", ", _redis.GetEndPoints().Select(e => e.ToString()))} (heartbeat {_options.Heartbeat.TotalSeconds} s, TTL {_options.TimeToLive.TotalSeconds} s).");
    }

    /// <remarks>Registered at its first relay rather than at its start: a session that never asks costs Redis nothing (perf scenario 16).</remarks>
    public async ValueTask RelayPendingAsync(string sessionId)
    {
        var registration = _registered.GetOrAdd(sessionId, static (_, instanceId) => new SessionRegistration(instanceId), InstanceId);
        if (registration.Written || !_redis.IsConnected)
        {
            return;
        }
        try
        {
            await _database.StringSetAsync(ClusterKeys.Session(sessionId), registration.Value, _options.TimeToLive).ConfigureAwait(false);
            registration.Written = true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Lost meanwhile: the beat after the reconnection registers it with the others.
        }
    }

    public void SessionEnded(string sessionId)
    {
        if (_registered.TryRemove(sessionId, out _))
        {
            FireAndForget(_database, d => d.KeyDelete(ClusterKeys.Session(sessionId), CommandFlags.FireAndForget));
        }
    }

    /// <summary>A resumable session that has ended keeps its registration for the grace, no longer refreshed (<see cref="RedisEventArchive.Complete"/>).</summary>
    private void Forget(string sessionId) => _registered.TryRemove(sessionId, out _);

    /// <summary>A write nobody waits for; while Redis is away it is dropped, and the next heartbeat after the reconnection makes up for it.</summary>
    public static void FireAndForget(IDatabase database, Action<IDatabase> write)
    {
        try
        {
            write(database);
        }
        catch (RedisConnectionException)
        {
        }
    }

    private async Task BeatAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.Heartbeat, _options.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                await RefreshAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sets the instance's key, its registered sessions' and its shares of the keys' sessions in one pipeline (not a round trip each).</summary>
    private async Task RefreshAsync()
    {
        if (!_redis.IsConnected)
        {
            return;
        }
        var batch = _database.CreateBatch();
        var writes = new List<Task> { batch.StringSetAsync(ClusterKeys.Instance(InstanceId), 1, _options.TimeToLive) };
        foreach (var (sessionId, registration) in _registered)
        {
            writes.Add(batch.StringSetAsync(ClusterKeys.Session(sessionId), registration.Value, _options.TimeToLive));
        }
        RefreshKeyShares(batch, writes);
        batch.Execute();
        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Lost mid-beat: ConnectionFailed says so once; the beat after the reconnection writes them all again.
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            _log.Warning($"Cluster: Redis connection lost ({e.FailureType}); local sessions go on, relays for other instances' sessions answer 503 until it is back.");
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            _log.Info("Cluster: Redis connection restored; registering the instance and its live sessions again.");
            _ = RefreshAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        if (_shipper is not null)
        {
            await _shipper.DisposeAsync().ConfigureAwait(false);
        }
        _redis.ConnectionFailed -= OnConnectionFailed;
        _redis.ConnectionRestored -= OnConnectionRestored;
        try
        {
            // A stopped instance leaves at once rather than when its key expires; its sessions have ended and removed theirs.
            await _database.KeyDeleteAsync(ClusterKeys.Instance(InstanceId)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
        }
        await _redis.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

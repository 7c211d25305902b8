using System.Net;

namespace Gateway.Server.Cluster;

/// <summary>Where REDIS_URL points: one server, its password and database; ours, not the client's options, so a build without the Redis client still reads and refuses the variable.</summary>
internal sealed record RedisAddress(EndPoint EndPoint, string? Password, int? Database);

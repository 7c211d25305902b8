namespace Gateway.Server.Cluster;

/// <summary>REDIS_URL is set and Redis cannot be reached at start-up: the instance does not run alone instead.</summary>
internal sealed class ClusterUnavailableException(string message, Exception inner) : Exception(message, inner);

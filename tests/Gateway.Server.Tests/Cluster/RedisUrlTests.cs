using System.Net;
using Gateway.Server.Cluster;
using Gateway.Server.Configuration;

namespace Gateway.Server.Tests.Cluster;

/// <summary>REDIS_URL (<c>redis://[:password@]host:port[/db]</c>): what it connects to, and every malformed shape refused with its reason.</summary>
public sealed class RedisUrlTests
{
    [Theory]
    [InlineData("redis://127.0.0.1:6379", "127.0.0.1:6379", null, null)]
    [InlineData("redis://cache.internal:7000/3", "Unspecified/cache.internal:7000", null, 3)]
    [InlineData("REDIS://h:1/0", "Unspecified/h:1", null, 0)]
    [InlineData("redis://:s3cret@10.0.0.5:6380", "10.0.0.5:6380", "s3cret", null)]
    [InlineData("redis://:p%40ss%3Aw@h:6379/15", "Unspecified/h:6379", "p@ss:w", 15)]
    [InlineData("redis://[::1]:6379", "[::1]:6379", null, null)]
    public void AValidUrlGivesItsEndpointPasswordAndDatabase(string url, string endPoint, string? password, int? database)
    {
        Assert.True(RedisUrl.TryParse(url, out var address, out var error), error);

        Assert.Equal(endPoint, address.EndPoint.ToString());
        Assert.Equal(password, address.Password);
        Assert.Equal(database, address.Database);
    }

    [Theory]
    [InlineData("127.0.0.1:6379", "the scheme must be redis://")]
    [InlineData("rediss://h:6379", "the scheme must be redis://")]
    [InlineData("http://h:6379", "the scheme must be redis://")]
    [InlineData("redis://h", "host:port needs a port from 1 to 65535")]
    [InlineData("redis://h:", "host:port needs a port from 1 to 65535")]
    [InlineData("redis://h:0", "host:port needs a port from 1 to 65535")]
    [InlineData("redis://h:65536", "host:port needs a port from 1 to 65535")]
    [InlineData("redis://h:+1", "host:port needs a port from 1 to 65535")]
    [InlineData("redis://:6379", "host:port needs a port from 1 to 65535")]
    [InlineData("redis://h:6379/", "the database after '/' must be a whole number")]
    [InlineData("redis://h:6379/-1", "the database after '/' must be a whole number")]
    [InlineData("redis://h:6379/0?timeout=1", "the database after '/' must be a whole number")]
    [InlineData("redis://user:pw@h:6379", "the part before '@' must be ':password'")]
    [InlineData("redis://:@h:6379", "the part before '@' must be ':password'")]
    [InlineData("redis://h_1:6379", "the host must be a name or an IPv4 address")]
    [InlineData("redis://.h:6379", "the host must be a name or an IPv4 address")]
    [InlineData("redis://::1:6379", "the host must be a name or an IPv4 address")]
    [InlineData("redis://[10.0.0.1]:6379", "the host in brackets must be an IPv6 address")]
    public void AMalformedUrlIsRefusedWithItsReason(string url, string reason)
    {
        Assert.False(RedisUrl.TryParse(url, out _, out var error));

        Assert.Equal($"{reason}; expected {RedisUrl.Shape}", error);
    }

    [Fact]
    public void NoPrefixOfAValidUrlReadsAsTheWhole()
    {
        const string url = "redis://:pw@h:6379/2";
        for (var length = 0; length < url.Length; length++)
        {
            if (RedisUrl.TryParse(url[..length], out var address, out _))
            {
                // A shorter port, or no database: never the whole URL's meaning.
                Assert.NotEqual(("Unspecified/h:6379", (int?)2), (address.EndPoint.ToString(), address.Database));
            }
        }
    }

    [Fact]
    public void UnsetRunsAloneWithTheDefaultTimings()
    {
        var cluster = GatewayOptions.FromEnvironment(_ => null).Cluster;

        Assert.Null(cluster.Redis);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5)), (cluster.Heartbeat, cluster.TimeToLive, cluster.RelayTimeout));
    }

    [Fact]
    public void TheVariablesAreRead()
    {
        var cluster = GatewayOptions.FromEnvironment(Environment(
            ("REDIS_URL", "redis://:pw@localhost:6390/1"), ("CLUSTER_HEARTBEAT_SECONDS", "0.5"), ("CLUSTER_TTL_SECONDS", "2"), ("CLUSTER_RELAY_TIMEOUT_SECONDS", "3"))).Cluster;

        Assert.Equal(new RedisAddress(new DnsEndPoint("localhost", 6390), "pw", 1), cluster.Redis);
        Assert.Equal((TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)), (cluster.Heartbeat, cluster.TimeToLive, cluster.RelayTimeout));
    }

    [Fact]
    public void ABadUrlNamesTheVariableButNotThePassword()
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(Environment(("REDIS_URL", "redis://:hunter2@h"))));

        Assert.Equal($"REDIS_URL: host:port needs a port from 1 to 65535; expected {RedisUrl.Shape}.", error.Message);
    }

    [Fact]
    public void TheTimeToLiveMustOutlastTheHeartbeat()
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(Environment(("CLUSTER_HEARTBEAT_SECONDS", "5"), ("CLUSTER_TTL_SECONDS", "5"))));

        Assert.StartsWith("CLUSTER_TTL_SECONDS must be above CLUSTER_HEARTBEAT_SECONDS", error.Message);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}

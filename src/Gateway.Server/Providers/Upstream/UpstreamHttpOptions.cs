using System.Net;
using System.Net.Security;

namespace Gateway.Server.Providers.Upstream;

/// <summary>Limits and retry policy for calls to model APIs; one set for every remote provider.</summary>
internal sealed record UpstreamHttpOptions
{
    /// <summary>Longest wait for the first byte of an answer (headers included); then the turn fails.</summary>
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest silence within a streamed answer, once its first byte is in; then the turn fails. Generous, because a
    /// reasoning model may think for minutes between events (Anthropic sends pings meanwhile, not every API does).
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock that times <see cref="IdleTimeout"/>; tests step a fake one instead of waiting.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Longest wait for a TCP (and TLS) connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pooled connections are replaced after this long, so DNS changes are picked up.</summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Idle keep-alive connections kept per origin; one more returned is closed.</summary>
    public int MaxIdleConnectionsPerOrigin { get; init; } = 128;

    /// <summary>Largest response head (status line and fields) accepted, as HttpClient's default.</summary>
    public int MaxResponseHeadBytes { get; init; } = 64 * 1024;

    /// <summary>Checks an upstream's certificate instead of the system's trust store; tests trust their own certificate with it.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>The proxy rules: by default the environment's (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), as HttpClient reads them.</summary>
    public IWebProxy? Proxy { get; init; } = HttpClient.DefaultProxy;

    /// <summary>Retries after the first attempt, for connect failures, 429 and 5xx before the first byte.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first retry waits this long plus up to as much again in jitter; each further retry doubles it.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound on any retry wait, including one asked for by <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest single SSE event accepted from an upstream; a larger one fails the turn.</summary>
    public int MaxEventBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Largest model listing accepted.</summary>
    public int MaxListingBytes { get; init; } = 16 * 1024 * 1024;
}

using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;

namespace Gateway.Server.Providers.Upstream;

/// <summary>Sends one request and returns the head of its answer, over pooled HTTP/1.1 connections of our own.</summary>
/// <remarks>
/// The client knows transport and framing, not policy: <see cref="UpstreamHttp"/> decides retries, timeouts and messages.
/// One retry here is not policy but HTTP/1.1 itself: a reused keep-alive connection that fails before any byte of an
/// answer was most likely closed by the server while idle (RFC 9112 §9.3.1), so the request goes again on a new one.
/// </remarks>
internal sealed partial class UpstreamClient : IDisposable
{
    private readonly UpstreamHttpOptions _options;
    private readonly UpstreamConnectionPool _pool;

    public UpstreamClient(UpstreamHttpOptions options)
    {
        _options = options;
        _pool = new UpstreamConnectionPool(options);
    }

    /// <exception cref="HttpRequestException">No connection, or a malformed or oversized head.</exception>
    /// <exception cref="IOException">The connection broke before the head was whole.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        if (UsesProxy(request.Uri))
        {
            return await SendThroughProxyAsync(request, cancellationToken).ConfigureAwait(false);
        }
        var origin = UpstreamOrigin.Of(request.Uri);
        if (_pool.TryRent(origin) is { } pooled)
        {
            try
            {
                return await ExchangeAsync(pooled, request, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (!pooled.ReceivedAny && !cancellationToken.IsCancellationRequested)
            {
                // A stale keep-alive connection (see the remarks): try once more on a fresh one.
            }
        }
        var connection = await OpenAsync(origin, cancellationToken).ConfigureAwait(false);
        return await ExchangeAsync(connection, request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _pool.Dispose();
        _proxied?.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<UpstreamResponse> ExchangeAsync(UpstreamConnection connection, UpstreamRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var head = await connection.ExchangeAsync(request, _options.MaxResponseHeadBytes, cancellationToken).ConfigureAwait(false);
            return new UpstreamResponse(connection, head);
        }
        catch
        {
            connection.Close();
            throw;
        }
    }

    /// <summary>DNS, TCP and TLS within <see cref="UpstreamHttpOptions.ConnectTimeout"/>; failures read as HttpClient's do.</summary>
    private async ValueTask<UpstreamConnection> OpenAsync(UpstreamOrigin origin, CancellationToken cancellationToken)
    {
        // Timed on the options' clock, so a test can step past the bound instead of waiting for it.
        using var timer = new CancellationTokenSource(_options.ConnectTimeout, _options.Clock);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await UpstreamConnection.OpenAsync(origin, _pool, bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(string.Create(
                CultureInfo.InvariantCulture, $"Connecting to {origin.Authority} timed out after {_options.ConnectTimeout.TotalSeconds:0.###} s."));
        }
        catch (SocketException e)
        {
            throw new HttpRequestException($"{e.Message} ({origin.Authority})", e);
        }
        catch (AuthenticationException e)
        {
            throw new HttpRequestException($"The SSL connection could not be established: {e.Message}", e);
        }
    }
}

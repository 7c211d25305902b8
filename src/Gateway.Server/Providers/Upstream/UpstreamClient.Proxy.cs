using System.Net;

namespace Gateway.Server.Providers.Upstream;

internal sealed partial class UpstreamClient
{
    private readonly Lock _proxiedLock = new();
    private HttpClient? _proxied;

    /// <summary>HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (or the options' proxy) route this request through a proxy.</summary>
    private bool UsesProxy(Uri uri) => _options.Proxy is { } proxy && !proxy.IsBypassed(uri) && proxy.GetProxy(uri) is not null;

    /// <summary>
    /// Through a proxy, HttpClient is worth its cost: CONNECT tunnels, proxy authentication and the environment's
    /// rules are its own, and a proxied upstream is not the hot path this client's pool is for.
    /// </summary>
    private async ValueTask<UpstreamResponse> SendThroughProxyAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        // The message is not disposed: ByteArrayContent holds no resources, and the response refers to it.
        var response = await ProxiedClient().SendAsync(request.ToMessage(), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new UpstreamResponse(response, body);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private HttpClient ProxiedClient()
    {
        lock (_proxiedLock)
        {
            return _proxied ??= new HttpClient(new SocketsHttpHandler
            {
                Proxy = _options.Proxy,
                UseProxy = true,
                PooledConnectionLifetime = _options.PooledConnectionLifetime,
                ConnectTimeout = _options.ConnectTimeout,
                // Disposing an unfinished response closes its connection at once: that is how a cancelled call stops.
                MaxResponseDrainSize = 0,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                AllowAutoRedirect = false,
                SslOptions = { RemoteCertificateValidationCallback = _options.ServerCertificateValidation },
            })
            {
                // Our own bounds apply (first byte, caller cancellation); a whole-call timeout would cut long streams.
                Timeout = Timeout.InfiniteTimeSpan,
            };
        }
    }
}

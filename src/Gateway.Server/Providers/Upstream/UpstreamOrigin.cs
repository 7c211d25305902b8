namespace Gateway.Server.Providers.Upstream;

/// <summary>Where connections go, and so which pooled connections a request may reuse (RFC 6454's scheme, host, port).</summary>
/// <param name="Host">The host as DNS and TLS want it: an IDN in punycode, an IPv6 literal without brackets.</param>
internal readonly record struct UpstreamOrigin(bool Tls, string Host, int Port)
{
    public static UpstreamOrigin Of(Uri uri) => new(uri.Scheme == Uri.UriSchemeHttps, uri.HostNameType == UriHostNameType.IPv6 ? uri.DnsSafeHost : uri.IdnHost, uri.Port);

    /// <summary>The Host field's value (RFC 9110 §7.2): the port only when it is not the scheme's default.</summary>
    public string Authority
    {
        get
        {
            var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
            return Port == (Tls ? 443 : 80) ? host : $"{host}:{Port}";
        }
    }
}

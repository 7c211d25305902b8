using System.Security.Cryptography;
using System.Text;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>
/// Finds the configured key an <c>Authorization: Bearer &lt;key&gt;</c> (SPEC §1, RFC 6750 §2.1) or an <c>x-api-key</c> presents, and holds its
/// request rate.
/// </summary>
/// <remarks>
/// Keys are kept only as SHA-256 digests and a presented credential is hashed before comparison,
/// so the comparison takes the same time whatever the key's length or how much of it matches;
/// every configured key is compared, none is skipped on a match. The keys are one immutable array, replaced whole when
/// the keys file is reloaded: a request sees the old keys or the new ones, never a mix.
/// </remarks>
internal sealed class BearerKeyAuthenticator(IReadOnlyList<ClientKey> keys, TimeProvider clock, KeyMetrics metrics)
{
    private const int DigestLength = 32;

    private volatile ClientKey[] _keys = [.. keys];

    public IReadOnlyList<ClientKey> Keys => _keys;

    /// <summary>Each key's <c>requestsPerMinute</c>, checked once a request is known to reach an endpoint.</summary>
    public RequestRateLimiter Requests { get; } = new(clock, metrics);

    /// <summary>Takes <paramref name="keys"/> in place of the current keys, for the next request on; a key no longer among them is refused from then on.</summary>
    public void Replace(IReadOnlyList<ClientKey> keys) => _keys = [.. keys];

    /// <summary>GATEWAY_API_KEYS: keys without limits, named by their place in the list.</summary>
    public static IEnumerable<ClientKey> Unlimited(IEnumerable<string> secrets) =>
        secrets.Select((secret, i) => new ClientKey($"api-key-{i + 1}", SHA256.HashData(Encoding.UTF8.GetBytes(secret))));

    /// <summary>The token of an Authorization field value of the Bearer scheme; empty for any other value.</summary>
    public static ReadOnlySpan<byte> BearerToken(ReadOnlySpan<byte> authorization) =>
        // The scheme is case-insensitive (RFC 9110 §11.1); exactly one space separates it from the token.
        authorization.Length > 7 && Ascii.EqualsIgnoreCase(authorization[..7], "Bearer "u8) ? authorization[7..] : [];

    /// <param name="presentedKey">The key a request presented (a bearer token or an <c>x-api-key</c>), or empty when it had none.</param>
    /// <returns>The key presented, or null when it is none of the configured keys.</returns>
    public ClientKey? Authenticate(ReadOnlySpan<byte> presentedKey)
    {
        if (presentedKey.IsEmpty)
        {
            return null;
        }
        Span<byte> presented = stackalloc byte[DigestLength];
        SHA256.HashData(presentedKey, presented);

        ClientKey? match = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, key.Sha256))
            {
                match = key;
            }
        }
        return match;
    }
}

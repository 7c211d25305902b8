using System.Security.Cryptography;
using System.Text;

namespace Gateway.Server.Http;

/// <summary>Checks <c>Authorization: Bearer &lt;key&gt;</c> against the configured keys (SPEC §1, RFC 6750 §2.1).</summary>
/// <remarks>
/// Keys are kept only as SHA-256 digests and a presented credential is hashed before comparison,
/// so the comparison takes the same time whatever the key's length or how much of it matches;
/// every configured key is compared, none is skipped on a match.
/// </remarks>
internal sealed class BearerKeyAuthenticator
{
    private const int DigestLength = 32;

    private readonly byte[][] _keyDigests;

    public BearerKeyAuthenticator(IEnumerable<string> keys) =>
        _keyDigests = [.. keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    /// <param name="authorization">The Authorization field value, or empty when the request had none.</param>
    public bool IsAuthorized(ReadOnlySpan<byte> authorization)
    {
        // The scheme is case-insensitive (RFC 9110 §11.1); exactly one space separates it from the token.
        if (authorization.Length <= 7 || !Ascii.EqualsIgnoreCase(authorization[..7], "Bearer "u8))
        {
            return false;
        }
        Span<byte> presented = stackalloc byte[DigestLength];
        SHA256.HashData(authorization[7..], presented);

        var match = false;
        foreach (var digest in _keyDigests)
        {
            match |= CryptographicOperations.FixedTimeEquals(presented, digest);
        }
        return match;
    }
}

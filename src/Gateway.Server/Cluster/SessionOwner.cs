namespace Gateway.Server.Cluster;

/// <summary>The value of a session's registration: its instance's id, then the SHA-256 of its key when it has one (<c>id/hex</c>).</summary>
internal static class SessionOwner
{
    private const char Separator = '/';

    public static string Value(string instanceId, byte[]? keyDigest) =>
        keyDigest is null ? instanceId : instanceId + Separator + Convert.ToHexString(keyDigest);

    public static string InstanceOf(string value)
    {
        var separator = value.IndexOf(Separator, StringComparison.Ordinal);
        return separator < 0 ? value : value[..separator];
    }

    public static byte[]? KeyDigestOf(string value)
    {
        var separator = value.IndexOf(Separator, StringComparison.Ordinal);
        return separator < 0 ? null : Convert.FromHexString(value.AsSpan(separator + 1));
    }
}

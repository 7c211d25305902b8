namespace Gateway.Server.Agents;

/// <summary>Session, agent, run and relay ids: UUID v7 (SPEC §5), whose 74 random bits make them unguessable (SPEC §4).</summary>
internal static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString();

    /// <summary>Whether <paramref name="text"/> is written as <see cref="New"/> writes ids.</summary>
    public static bool IsId(string text) => Guid.TryParseExact(text, "D", out var id) && id.Version == 7 && id.ToString() == text;
}

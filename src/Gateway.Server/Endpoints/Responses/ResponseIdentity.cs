namespace Gateway.Server.Endpoints.Responses;

/// <summary>What names one response: its <c>resp_</c> id and its <c>created_at</c> (Unix seconds).</summary>
internal sealed record ResponseIdentity(string Id, long CreatedAt)
{
    public static ResponseIdentity Create() => new(RandomIds.CreateHex("resp_"), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}

using Gateway.Server.Agents;
using Gateway.Server.Primitives;
using Gateway.Server.Sse;

namespace Gateway.Server.Cluster;

/// <summary>What an instance shares with the others: which of its sessions wait on relays or can be resumed, their events, and relay answers for sessions it does not run.</summary>
/// <remarks>Without REDIS_URL it is <see cref="LocalCluster"/>, which does nothing, so running alone costs nothing.</remarks>
internal interface ICluster : ISessionDirectory, IAsyncDisposable
{
    /// <summary>Removes the registration of a session this instance ran, if <see cref="ISessionDirectory.RelayPendingAsync"/> made one; never waits.</summary>
    void SessionEnded(string sessionId);

    /// <summary>Makes a resumable session findable by every instance from its start; where its events go for them, or null when alone.</summary>
    IEventArchive? ArchiveEvents(string sessionId, ClientKey? owner, ResumeOptions resume);

    /// <summary>A reader here took over a session this instance runs: a reader on another instance ends at its next poll (SPEC §9: one live reader); never waits.</summary>
    void ReaderAttached(string sessionId);

    /// <summary>A resumable session another instance runs, for <c>GET /chat/:sessionId/events</c> here (SPEC §9).</summary>
    ValueTask<EventsLookup> FindEventsAsync(string sessionId, TimeSpan pingInterval);

    /// <summary>Passes a relay answer for a session this instance does not run to its owner, and returns the owner's reply (SPEC §4 steps 3-5).</summary>
    /// <param name="response">The body's <c>response</c> as JSON text, read by the owner as a local answer is.</param>
    Task<RelayReply> ForwardRelayAsync(string sessionId, string relayId, string response);

    /// <summary>Whether every instance together leaves a key with a limit room for one more session, which is then counted.</summary>
    /// <param name="day">The UTC day whose tokens count, as days since 0001-01-01.</param>
    /// <returns>Admitted at once when alone, or when Redis is away (each instance then holds the key to its limits on its own).</returns>
    ValueTask<KeyVerdict> EnterKeyAsync(string keyName, int? maxSessions, long? tokensPerDay, long day);

    /// <summary>Ends a session <see cref="EnterKeyAsync"/> admitted; never waits.</summary>
    void ExitKey(string keyName);

    /// <summary>Adds a call's tokens to the key's day on every instance; the day's total so far, or null when alone or Redis is away.</summary>
    ValueTask<long?> SpendKeyTokensAsync(string keyName, long day, long tokens);
}

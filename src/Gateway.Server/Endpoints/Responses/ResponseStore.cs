using Gateway.Server.Conversation;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>
/// The responses kept for <c>previous_response_id</c>: each one's whole conversation (input and output, without its
/// <c>instructions</c>, which OpenAI does not carry over), in memory, for at most <paramref name="timeToLive"/> and the
/// <paramref name="capacity"/> newest; a key reads only the responses made with it.
/// </summary>
/// <remarks>
/// Every entry lives equally long, so the oldest is always the first to expire or to make room: one queue in
/// insertion order serves both bounds, trimmed on every write.
/// </remarks>
internal sealed class ResponseStore(TimeProvider clock, TimeSpan timeToLive, int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<Entry> _byAge = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public void Add(string id, ClientKey? owner, IReadOnlyList<ChatMessage> conversation)
    {
        var now = clock.GetUtcNow();
        var entry = new Entry(id, owner?.Sha256, now + timeToLive, conversation);
        lock (_gate)
        {
            while (_byAge.TryPeek(out var oldest) && (oldest.ExpiresAt <= now || _byAge.Count >= capacity))
            {
                _entries.Remove(_byAge.Dequeue().Id);
            }
            _entries[id] = entry;
            _byAge.Enqueue(entry);
        }
    }

    /// <summary>The conversation of a response <paramref name="owner"/> made, unless it expired or was never kept.</summary>
    public IReadOnlyList<ChatMessage>? Find(string id, ClientKey? owner)
    {
        Entry? entry;
        lock (_gate)
        {
            _entries.TryGetValue(id, out entry);
        }
        // The key is compared by its digest, so a keys-file reload (new ClientKey objects) keeps what its keys stored.
        return entry is not null && entry.ExpiresAt > clock.GetUtcNow() && OwnedBy(entry, owner) ? entry.Conversation : null;
    }

    private static bool OwnedBy(Entry entry, ClientKey? owner) =>
        entry.Owner is null ? owner is null : owner is not null && entry.Owner.AsSpan().SequenceEqual(owner.Sha256);

    private sealed record Entry(string Id, byte[]? Owner, DateTimeOffset ExpiresAt, IReadOnlyList<ChatMessage> Conversation);
}

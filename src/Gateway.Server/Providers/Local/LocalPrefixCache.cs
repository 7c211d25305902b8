using LLama.Batched;
using LLama.Native;
using LlamaConversation = LLama.Batched.Conversation;

namespace Gateway.Server.Providers.Local;

/// <summary>
/// Sequences kept in the KV cache after their turn ended ("parked"), so that a later prompt starting with the same
/// tokens (the next turn of an agent loop: the whole history again plus the new messages) prefills only the rest.
/// </summary>
/// <remarks>
/// Owned by the model's decode loop, like the executor; not thread-safe.
/// - A parked sequence is taken over by the turn that reuses it, never copied: <c>Conversation.Fork</c> aborts the
///   process on a non-unified KV cache (llama.cpp <c>seq_cp</c> copies only whole streams).
/// - The match is the longest common prefix of the whole tokenized prompt with a parked sequence's tokens: a suffix
///   tokenized alone can differ (SentencePiece adds a leading "▁").
/// - Every parked sequence holds a llama.cpp sequence id, one KV stream each, and the executor has only
///   LOCAL_MAX_SEQUENCES of them: when parked and running sequences use them all, a new turn reuses a parked one
///   (see <see cref="Take"/>) rather than asking the executor for another, which would throw.
/// </remarks>
internal sealed class LocalPrefixCache(int capacity)
{
    private readonly List<Parked> _parked = []; // Least recently parked first.

    /// <summary>Sequences parked now.</summary>
    public int Count => _parked.Count;

    /// <summary>Keeps <paramref name="conversation"/> and the tokens in its KV cache for a later prompt that starts with them.</summary>
    public void Park(LlamaConversation conversation, IReadOnlyList<LLamaToken> tokens) => _parked.Add(new Parked(conversation, [.. tokens]));

    /// <summary>
    /// The parked sequence a new turn should run in, cut back to the tokens it shares with <paramref name="prompt"/>
    /// (<paramref name="reused"/> of them); null when the turn should get a new sequence.
    /// </summary>
    /// <remarks>
    /// A prompt that shares at least as many tokens with a parked history as taking it over would discard (the next
    /// turn of that conversation, or another one with the same long system prompt) takes it over. Any other prompt
    /// leaves the parked histories to their own conversations while a new sequence fits beside
    /// <paramref name="running"/> ones; once none fits, the least recently parked gives up its sequence (LRU).
    /// </remarks>
    public LlamaConversation? Take(ReadOnlySpan<LLamaToken> prompt, int running, out int reused)
    {
        // At least one prompt token is decoded again: sampling needs the logits of the prompt's last token.
        var head = prompt[..^1];
        var chosen = -1;
        reused = 0;
        for (var i = 0; i < _parked.Count; i++)
        {
            var common = head.CommonPrefixLength(_parked[i].Tokens);
            if (common > 0 && common >= reused && common >= _parked[i].Tokens.Length - common)
            {
                (chosen, reused) = (i, common); // Ties go to the most recently parked.
            }
        }
        if (chosen < 0)
        {
            if (_parked.Count == 0 || _parked.Count + running < capacity)
            {
                return null;
            }
            chosen = 0;
            reused = head.CommonPrefixLength(_parked[0].Tokens);
        }
        var conversation = _parked[chosen].Conversation;
        _parked.RemoveAt(chosen);
        if (conversation.TokenCount > reused)
        {
            conversation.Rewind(conversation.TokenCount - reused);
        }
        return conversation;
    }

    /// <summary>Frees every parked sequence before the context goes away; the pool is empty after it even if freeing fails.</summary>
    public void Clear()
    {
        Parked[] parked = [.. _parked];
        _parked.Clear();
        foreach (var entry in parked)
        {
            entry.Conversation.Dispose();
        }
    }

    private sealed record Parked(LlamaConversation Conversation, LLamaToken[] Tokens);
}

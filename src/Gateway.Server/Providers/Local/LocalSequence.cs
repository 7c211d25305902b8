using System.Threading.Channels;
using Gateway.Server.Conversation;
using Gateway.Server.Providers.Local.Tools;
using LLama.Native;
using LlamaConversation = LLama.Batched.Conversation;

namespace Gateway.Server.Providers.Local;

/// <summary>One turn on a local model: its prompt, its llama.cpp sequence once started, and the events it produces.</summary>
/// <remarks>
/// Two sides share it. The caller reads <see cref="Events"/> and disposes the sequence when it stops reading
/// (finished, cancelled or gone), which only raises a flag. Everything else (the <see cref="Conversation"/>,
/// the sampler, the decoder, writing events) belongs to the model's decode loop and runs on it alone, since
/// LLamaSharp's batched executor is not thread-safe. The loop sees the flag at its next step and frees the
/// sequence's KV cache there.
/// </remarks>
internal sealed class LocalSequence : IDisposable
{
    private readonly Channel<ProviderEvent> _events = Channel.CreateUnbounded<ProviderEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });
    private readonly TokenTextDecoder _decoder = new();
    private readonly StopStringMatcher _stops;
    private readonly ToolCallTextParser? _toolCalls;
    private readonly ToolCallOpener? _opener;
    private ToolCallOpener.Watch? _watch;
    private readonly List<LLamaToken> _kvTokens = [];
    private readonly int _maxTokens;
    private int _abandoned;
    private int _generated;

    /// <param name="tools">When the model may call tools: the answer is read in its family's syntax.</param>
    public LocalSequence(LLamaToken[] prompt, int maxTokens, IReadOnlyList<string> stopStrings, LocalSampling sampling, LocalToolTurn? tools = null)
    {
        Prompt = prompt;
        Sampling = sampling;
        _maxTokens = maxTokens;
        _stops = new StopStringMatcher(stopStrings);
        if (tools is not null)
        {
            _toolCalls = new ToolCallTextParser(tools.Family, new ChannelTurnSink(_events.Writer), tools.Opener?.Text);
            _toolCalls.Push(tools.Begun);
            _opener = tools.Opener;
            _watch = _opener?.Start();
        }
    }

    /// <summary>Text deltas, then why the turn ended and one usage event; or one error event. Completes after either.</summary>
    public ChannelReader<ProviderEvent> Events => _events.Reader;

    public LLamaToken[] Prompt { get; }

    /// <summary>No token generated yet: the next decode that carries it still reads its prompt.</summary>
    public bool Prefilling => _generated == 0;

    public LocalSampling Sampling { get; }

    /// <summary>Set once the reader has gone; the loop then frees the sequence.</summary>
    public bool Abandoned => Volatile.Read(ref _abandoned) != 0;

    // Owned by the decode loop from here on.

    public LlamaConversation? Conversation { get; private set; }

    /// <summary>The sequence's sampler chain; replaced by one with the call grammar once the answer writes a call's opener.</summary>
    public SafeLLamaSamplerChainHandle? Sampler { get; private set; }

    /// <summary>Exactly the tokens fed into the sequence's KV cache, in order (the last sampled token is not among them until fed).</summary>
    public IReadOnlyList<LLamaToken> KvTokens => _kvTokens;

    /// <summary>The reader is done with this sequence (it may have stopped early); the decode loop frees it at its next step.</summary>
    public void Dispose() => Interlocked.Exchange(ref _abandoned, 1);

    /// <summary>Prompt tokens that were already in the KV cache when the turn began (a parked sequence reused).</summary>
    public int CachedTokens { get; private set; }

    /// <summary>Called by the loop when the sequence gets its llama.cpp sequence and sampler.</summary>
    /// <param name="cachedTokens">How many of the prompt's first tokens <paramref name="conversation"/> already holds.</param>
    public void Begin(LlamaConversation conversation, SafeLLamaSamplerChainHandle sampler, int cachedTokens)
    {
        Conversation = conversation;
        Sampler = sampler;
        CachedTokens = cachedTokens;
        _kvTokens.AddRange(Prompt.AsSpan(0, cachedTokens));
    }

    /// <summary>Queues <paramref name="token"/> for the next decode; every token that enters the KV cache goes through here or the span overload.</summary>
    public void Feed(LLamaToken token)
    {
        Conversation!.Prompt(token);
        _kvTokens.Add(token);
    }

    /// <summary>Queues <paramref name="tokens"/> (a prompt, or the part of it not yet in the KV cache) for the next decode.</summary>
    public void Feed(ReadOnlySpan<LLamaToken> tokens)
    {
        Conversation!.Prompt(tokens);
        _kvTokens.AddRange(tokens);
    }

    /// <summary>Handles one sampled token: streams its text, switches to the call grammar when it completes a call's opener; returns false when the turn is over (usage then written).</summary>
    /// <param name="contextSize">Tokens the sequence may hold; the token can be fed back only while there is room.</param>
    public bool Accept(LLamaToken token, SafeLlamaModelHandle model, int contextSize)
    {
        if (token.IsEndOfGeneration(model.Vocab))
        {
            Finish(FinishReason.Stop);
            return false;
        }

        _generated++;
        var text = _decoder.Append(model, token);
        if (_watch is not null && _watch.Completes(token, ref text, out var rest))
        {
            _watch = null; // Once per answer: a further opener is the grammar's own (parallel calls).
            if (_opener!.Continues(rest))
            {
                UseCallGrammar(_opener.Grammar, model.Vocab);
            }
        }
        Send(_stops.Push(text));
        if (_stops.Stopped)
        {
            Finish(FinishReason.Stop);
            return false;
        }
        if (_generated >= _maxTokens || Conversation!.TokenCount >= contextSize)
        {
            Finish(FinishReason.Length);
            return false;
        }
        return true;
    }

    /// <summary>From the next token on, the answer follows <paramref name="grammar"/>: a fresh chain, whose grammar starts at its root.</summary>
    /// <remarks>The token that completed the opener is still fed (the loop does it), so the KV cache holds the opener the grammar continues.</remarks>
    private void UseCallGrammar(string grammar, SafeLlamaModelHandle.Vocabulary vocabulary)
    {
        var chain = (Sampling with { Grammar = (grammar, vocabulary) }).CreateChain();
        Sampler!.Dispose(); // On the decode loop's thread, like every use of the chain.
        Sampler = chain;
    }

    /// <summary>Ends the turn with one error event instead of usage.</summary>
    public void Fail(string message)
    {
        _events.Writer.TryWrite(ProviderEvent.Failed(message));
        _events.Writer.TryComplete();
    }

    /// <summary>Called by the loop once the sequence is over: frees its sampler, and its KV cache unless parked in <paramref name="keepIn"/>.</summary>
    /// <remarks>A sequence with tokens still waiting for a decode is never parked: its KV cache would not hold what it recorded.</remarks>
    public void Release(LocalPrefixCache? keepIn = null)
    {
        if (keepIn is not null && Conversation is { RequiresInference: false } conversation)
        {
            keepIn.Park(conversation, _kvTokens);
        }
        else
        {
            Conversation?.Dispose();
        }
        Sampler?.Dispose();
        Conversation = null;
        Sampler = null;
        _events.Writer.TryComplete();
    }

    /// <summary>End of generation for any reason but failure: the held-back text, why it ended, then the real token counts.</summary>
    private void Finish(FinishReason reason)
    {
        Send(_stops.Push(_decoder.Flush()));
        Send(_stops.Flush());
        _toolCalls?.Flush();
        _events.Writer.TryWrite(ProviderEvent.Finished(_toolCalls?.Calls > 0 ? FinishReason.ToolCalls : reason));
        _events.Writer.TryWrite(ProviderEvent.UsageReported(new TokenUsage(Prompt.Length, _generated, CachedTokens > 0 ? CachedTokens : null)));
        _events.Writer.TryComplete();
    }

    private void Send(string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        if (_toolCalls is not null)
        {
            _toolCalls.Push(text);
            return;
        }
        _events.Writer.TryWrite(ProviderEvent.TextDelta(text));
    }
}

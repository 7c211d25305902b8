using System.Buffers;
using System.Text;
using Gateway.Server.Conversation;
using Gateway.Server.Events;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Agents;

/// <summary>One model call of an agent or RLM run: passes its deltas to the client as the provider pushes them, and keeps what the loop needs next.</summary>
/// <remarks>
/// Ids on the wire: text, reasoning, usage and a failed call's error carry <paramref name="runId"/> and
/// <paramref name="parentId"/>. An agent's call has a run id of its own with the agent's run id as parentId (SPEC §5);
/// an RLM run's call carries the RLM run's own ids, as the origin tags them (its REPL view groups a run by runId).
/// </remarks>
/// <param name="usageOnly">Only the usage goes on the wire: an RLM <c>llm_query</c> flat call, whose answer and failure go to the script.</param>
internal sealed class ModelTurn(AgentOrchestrator session, string runId, string? parentId, string agentId, bool usageOnly = false) : ITurnSink, IDisposable
{
    private readonly string _textId = Ids.New();
    private readonly PooledBufferWriter _answer = new();
    private readonly PooledBufferWriter _reasoning = new();
    private readonly List<ToolCallRequest> _toolCalls = [];
    private List<ReasoningItem>? _reasoningItems;
    private string? _reasoningId;
    private TokenUsage _usage;

    /// <summary>The answer's text, for the history and the agent's outcome.</summary>
    public string Answer => Encoding.UTF8.GetString(_answer.WrittenMemory.Span);

    public IReadOnlyList<ToolCallRequest> ToolCalls => _toolCalls;

    /// <summary>The reasoning the provider wants back in the history, kept with the assistant message.</summary>
    public IReadOnlyList<ReasoningItem> ReasoningItems => (IReadOnlyList<ReasoningItem>?)_reasoningItems ?? [];

    /// <summary>The tokens the call reported.</summary>
    public TokenUsage ReportedUsage => _usage;

    /// <summary>Why the call failed; null when it did not.</summary>
    public string? Error { get; private set; }

    public void Text(ReadOnlySpan<byte> text, string? logprobs)
    {
        // Kept for the history, and framed from there: the event is written before the next delta can move the buffer.
        session.Tally.OnToken();
        _answer.Write(text);
        if (usageOnly)
        {
            return;
        }
        var content = new Utf8Text(_answer.WrittenMemory[^text.Length..]);
        session.Queue(new TextEvent { RunId = runId, Id = _textId, ParentId = parentId, Content = content, AgentId = agentId });
    }

    public void Reasoning(ReadOnlySpan<byte> text)
    {
        session.Tally.OnToken();
        if (usageOnly)
        {
            return;
        }
        _reasoningId ??= Ids.New();
        _reasoning.Clear();
        _reasoning.Write(text);
        var content = new Utf8Text(_reasoning.WrittenMemory);
        session.Queue(new ReasoningEvent { RunId = runId, Id = _reasoningId, ParentId = parentId, Content = content, AgentId = agentId });
    }

    public void ReasoningItem(ReasoningItem item) => (_reasoningItems ??= []).Add(item);

    /// <summary>The agent acts on whole calls only.</summary>
    public void ToolCallStarted(int index, string id, string name)
    {
    }

    public void ToolArguments(int index, string text)
    {
    }

    public void ToolCalled(ToolCallRequest call, int index) => _toolCalls.Add(call);

    public void Finished(FinishReason reason)
    {
    }

    public void Usage(TokenUsage usage)
    {
        _usage = usage;
        session.Tally.AddUsage(usage);
    }

    public void Failed(string message, int statusCode) => Error = message;

    public ValueTask FlushAsync() => session.FlushAsync();

    public bool IsBehind => session.IsBehind;

    /// <summary>Streams the call through this turn, then reports its usage or its failure.</summary>
    public async Task RunAsync(ChatRequest chat, ModelTurnRequest request, CancellationToken cancellationToken)
    {
        using (var call = ModelCall.Start(session.Metrics.Upstream, chat.Provider, request, this, chat.Budget, cancellationToken))
        {
            await chat.Provider.StreamTurnAsync(request, call, cancellationToken).ConfigureAwait(false);
        }
        await EndAsync().ConfigureAwait(false);
    }

    /// <summary>Reports the call's usage, or its failure (SPEC §5), after everything it streamed.</summary>
    private ValueTask EndAsync() => Error is { } error
        ? usageOnly ? ValueTask.CompletedTask : session.EmitAsync(new ErrorEvent { RunId = runId, AgentId = agentId, ParentId = parentId, Message = error })
        : session.EmitAsync(new UsageEvent
        {
            RunId = runId,
            ParentId = parentId,
            InputTokens = _usage.InputTokens,
            OutputTokens = _usage.OutputTokens,
            CacheReadTokens = _usage.CacheReadTokens,
            CacheCreationTokens = _usage.CacheCreationTokens,
            AgentId = agentId,
        });

    /// <summary>Gives the turn's buffers back to the pool.</summary>
    public void Dispose()
    {
        _answer.Release();
        _reasoning.Release();
    }
}

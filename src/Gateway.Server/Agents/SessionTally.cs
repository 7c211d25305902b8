using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Agents;

/// <summary>What a session did, counted as it runs (its agents run concurrently), for the line logged when it ends.</summary>
internal sealed class SessionTally(TimeProvider clock)
{
    private long _started;
    private long _firstToken;
    private int _turns;
    private int _toolCalls;
    private long _inputTokens;
    private long _outputTokens;

    public SessionOutcome Outcome { get; set; }

    public void Begin()
    {
        _started = clock.GetTimestamp();
        _firstToken = 0;
        _turns = 0;
        _toolCalls = 0;
        _inputTokens = 0;
        _outputTokens = 0;
        Outcome = SessionOutcome.Completed;
    }

    public void AddTurn() => Interlocked.Increment(ref _turns);

    public void AddToolCalls(int count) => Interlocked.Add(ref _toolCalls, count);

    public void AddUsage(in TokenUsage usage)
    {
        Interlocked.Add(ref _inputTokens, usage.InputTokens);
        Interlocked.Add(ref _outputTokens, usage.OutputTokens);
    }

    /// <summary>A model streamed text or reasoning; the first one of the session sets its time to first token.</summary>
    public void OnToken()
    {
        if (Volatile.Read(ref _firstToken) == 0)
        {
            Interlocked.CompareExchange(ref _firstToken, clock.GetTimestamp(), 0);
        }
    }

    /// <summary>The session's line: id, model, provider, turns, tool calls, tokens, time to first token (when any came), duration, outcome.</summary>
    public void Log(GatewayLog log, string sessionId, string provider, string model)
    {
        var line = log.Line(LogLevel.Info, "session");
        if (!line.IsEnabled)
        {
            return;
        }
        line.Add("session_id"u8, sessionId);
        line.Add("provider"u8, provider);
        line.Add("model"u8, model);
        line.Add("turns"u8, Volatile.Read(ref _turns));
        line.Add("tool_calls"u8, Volatile.Read(ref _toolCalls));
        line.Add("input_tokens"u8, Interlocked.Read(ref _inputTokens));
        line.Add("output_tokens"u8, Interlocked.Read(ref _outputTokens));
        if (Interlocked.Read(ref _firstToken) is var firstToken and not 0)
        {
            line.Add("ttft_ms"u8, clock.GetElapsedTime(_started, firstToken));
        }
        line.Add("duration_ms"u8, clock.GetElapsedTime(_started));
        line.Add("outcome"u8, SessionOutcomeNames.Of(Outcome));
        line.Write();
    }
}

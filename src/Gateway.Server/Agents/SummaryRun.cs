using System.Buffers;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Events;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Agents;

/// <summary>
/// <c>POST /summarize</c>'s stream (SPEC §3): <c>connected</c>, then the events of one plain model call on
/// <see cref="SummaryPrompt"/>: no agent loop, no tools, no session others can reach (so no relays).
/// </summary>
/// <remarks>
/// Ids on the wire (SPEC §5): text, reasoning, usage and a failed call's error carry the call's run id; there is no agent,
/// so no agentId and no parentId.
/// </remarks>
internal sealed class SummaryRun : ITurnSink, IDisposable
{
    private readonly EventStream _events;
    private readonly CancellationToken _cancellationToken;
    private readonly string _runId = Ids.New();
    private readonly string _textId = Ids.New();
    private readonly PooledBufferWriter _delta = new();
    private string? _reasoningId;
    private TokenUsage _usage;
    private string? _error;

    private SummaryRun(EventStream events, CancellationToken cancellationToken)
    {
        _events = events;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Streams the summary into <paramref name="events"/> until the call ends or the session does.</summary>
    /// <param name="sessionToken">Cancelled when the client leaves or stops taking events, or when the server can wait no longer.</param>
    public static async Task RunAsync(
        SummarizeRequest request, EventStream events, UpstreamMetrics metrics, GatewayLog log, CancellationToken sessionToken)
    {
        var sessionId = Ids.New();
        using var run = new SummaryRun(events, sessionToken);
        try
        {
            events.Write(new ConnectedEvent { SessionId = sessionId, SourceIds = request.SourceIds });
            await events.FlushAsync(sessionToken).ConfigureAwait(false);
            var call = new ModelTurnRequest(
                request.ProviderModel, [ChatMessage.System(SummaryPrompt.Instruction), ChatMessage.User(request.Transcript)], [])
            {
                SessionId = sessionId,
            };
            using (var sink = ModelCall.Start(metrics, request.Provider, call, run, request.Budget, sessionToken))
            {
                await request.Provider.StreamTurnAsync(call, sink, sessionToken).ConfigureAwait(false);
            }
            await run.EndAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (sessionToken.IsCancellationRequested && events.ClientGone)
        {
            // The client left or stopped reading; nobody is listening for an error event.
        }
        catch (OperationCanceledException) when (sessionToken.IsCancellationRequested)
        {
            events.Write(new ErrorEvent { Message = "Server is shutting down" });
        }
        catch (Exception e)
        {
            var line = log.Line(LogLevel.Error, "Summary failed.");
            line.Add("session_id"u8, sessionId);
            line.Write(e);
            events.Write(new ErrorEvent { Message = $"Internal error: {e.Message}" });
        }
    }

    public void Text(ReadOnlySpan<byte> text, string? logprobs)
    {
        _events.Write(new TextEvent { RunId = _runId, Id = _textId, Content = Copy(text) });
    }

    public void Reasoning(ReadOnlySpan<byte> text)
    {
        _reasoningId ??= Ids.New();
        _events.Write(new ReasoningEvent { RunId = _runId, Id = _reasoningId, Content = Copy(text) });
    }

    /// <summary>A summary is text only.</summary>
    public void ToolCallStarted(int index, string id, string name)
    {
    }

    public void ToolArguments(int index, string text)
    {
    }

    public void ToolCalled(ToolCallRequest call, int index)
    {
    }

    public void Finished(FinishReason reason)
    {
    }

    public void Usage(TokenUsage usage) => _usage = usage;

    public void Failed(string message, int statusCode) => _error = message;

    public ValueTask FlushAsync() => _events.FlushAsync(_cancellationToken);

    public bool IsBehind => _events.IsBehind;

    public void Dispose() => _delta.Release();

    /// <summary>The delta in a buffer of its own: the provider's span is valid only during its push, the frame is written at once.</summary>
    private Utf8Text Copy(ReadOnlySpan<byte> text)
    {
        _delta.Clear();
        _delta.Write(text);
        return new Utf8Text(_delta.WrittenMemory);
    }

    /// <summary>Reports the call's usage, or its failure as <c>{type, runId, message}</c> (SPEC §3), after everything it streamed.</summary>
    private ValueTask EndAsync()
    {
        if (_error is { } error)
        {
            _events.Write(new ErrorEvent { RunId = _runId, Message = error });
        }
        else
        {
            _events.Write(new UsageEvent
            {
                RunId = _runId,
                InputTokens = _usage.InputTokens,
                OutputTokens = _usage.OutputTokens,
                CacheReadTokens = _usage.CacheReadTokens,
                CacheCreationTokens = _usage.CacheCreationTokens,
            });
        }
        return _events.FlushAsync(_cancellationToken);
    }
}

using Gateway.Server.Events;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>One tool call's <see cref="IToolProgress"/>: reports become coalesced <c>tool_progress</c> events (SPEC §5).</summary>
/// <remarks>The coalescer (and its timer) is made on the first report, so a tool that reports nothing costs one small object.</remarks>
internal sealed class ToolProgressSink(AgentOrchestrator session, string runId, string toolCallId, string name, string agentId) : IToolProgress
{
    private readonly Lock _gate = new();
    private ProgressCoalescer? _coalescer;
    private bool _completed;

    public void Report(ReadOnlySpan<byte> utf8, ToolOutputStream stream)
    {
        ProgressCoalescer coalescer;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }
            coalescer = _coalescer ??= new ProgressCoalescer(EmitAsync, session.Clock, ProgressCoalescer.DefaultInterval);
        }
        // Both streams go into one text in arrival order (SPEC §5: "bash stdout/stderr").
        coalescer.Report(utf8);
    }

    /// <summary>Sends what is left; the caller emits the call's <c>tool_result</c> after this returns.</summary>
    public ValueTask CompleteAsync()
    {
        lock (_gate)
        {
            _completed = true;
        }
        return _coalescer?.CompleteAsync() ?? ValueTask.CompletedTask;
    }

    private ValueTask EmitAsync(string text) => session.EmitAsync(new ToolProgressEvent
    {
        RunId = runId,
        ToolCallId = toolCallId,
        Name = name,
        Content = RawJson.FromString(text),
        AgentId = agentId,
    });
}

using System.Text.Json;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Events;
using Gateway.Tools;

namespace Gateway.Server.Agents;

internal sealed partial class AgentRun
{
    /// <summary>
    /// Decides each call in model order (deny, allow, or ask through a relay), then runs the approved
    /// ones concurrently and reports their results in model order (SPEC §5, §6). Every call gets a
    /// result and a tool message, whatever happened to it.
    /// </summary>
    private async Task RunToolCallsAsync(IReadOnlyList<ToolCallRequest> calls, List<ChatMessage> history, CancellationToken cancellationToken)
    {
        _session.Tally.AddToolCalls(calls.Count);
        var outcomes = new CallOutcome[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            outcomes[i] = await DecideAsync(calls[i], cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < calls.Count; i++)
        {
            if (outcomes[i].Approved)
            {
                outcomes[i] = outcomes[i] with { Running = InvokeAsync(calls[i], outcomes[i].WireId, cancellationToken) };
            }
        }

        try
        {
            for (var i = 0; i < calls.Count; i++)
            {
                var (wireId, _, output, running) = outcomes[i];
                ToolResult? result = null;
                if (running is not null)
                {
                    result = await running.ConfigureAwait(false);
                    output = ToolOutputs.From(result.Value);
                    await EmitResultAsync(calls[i], wireId, output).ConfigureAwait(false);
                }
                history.Add(ChatMessage.ToolResult(calls[i].Id, ToolOutputs.HistoryContent(result, output)));
            }
        }
        finally
        {
            // When the session's end cuts the wait short, the calls still running (one may ignore cancellation) are
            // awaited all the same: a run ends after its work, so a pooled orchestrator never inherits any (issue 11).
            await Task.WhenAll(outcomes.Where(o => o.Running is not null).Select(Task (o) => o.Running!)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The permission step for one call: emits what the client sees now (relay, tool_call or a refusal).</summary>
    private async Task<CallOutcome> DecideAsync(ToolCallRequest call, CancellationToken cancellationToken)
    {
        var wireId = $"{RunId}/{call.Id}";
        if (!IsOffered(call.Name))
        {
            return await RefuseAsync(call, wireId, ToolOutputs.Error($"Unknown tool: {call.Name}")).ConfigureAwait(false);
        }

        if (call.InvalidArguments is { } invalid)
        {
            var excerpt = invalid.Length <= 200 ? invalid : invalid[..200] + "…";
            return await RefuseAsync(call, wireId, ToolOutputs.Error($"Arguments of {call.Name} {call.InvalidReason}: {excerpt}")).ConfigureAwait(false);
        }

        using var arguments = JsonDocument.Parse(call.Arguments.Utf8);
        using var view = JsonDocument.Parse(_tools.PermissionView(call.Name, arguments.RootElement, _session.ToolContext).Utf8);
        var decision = await PermissionGate.DecideAsync(
            _session, RunId, ParentId, AgentId, new GatedCall(call.Name, call.Id, wireId, call.Arguments, view.RootElement),
            () => _tools.DeriveAlwaysRule(call.Name, arguments.RootElement, _session.ToolContext), cancellationToken).ConfigureAwait(false);
        if (decision.Verdict == PermissionVerdict.Deny)
        {
            return await RefuseAsync(call, wireId, ToolOutputs.Denied(decision.Reason)).ConfigureAwait(false);
        }
        await _session.EmitAsync(new ToolCallEvent { RunId = RunId, Id = wireId, ParentId = ParentId, Name = call.Name, Input = call.Arguments, AgentId = AgentId }).ConfigureAwait(false);
        return new CallOutcome(wireId, Approved: true, default, null);
    }

    private async Task<CallOutcome> RefuseAsync(ToolCallRequest call, string wireId, RawJson output)
    {
        _session.Metrics.Agents.ToolCalled(IsOffered(call.Name) ? call.Name : AgentMetrics.UnknownTool, ToolOutcome.Refused, startedAt: 0);
        await EmitResultAsync(call, wireId, output).ConfigureAwait(false);
        return new CallOutcome(wireId, Approved: false, output, null);
    }

    private ValueTask EmitResultAsync(ToolCallRequest call, string wireId, RawJson output) =>
        _session.EmitAsync(new ToolResultEvent { RunId = RunId, Id = wireId, ParentId = ParentId, Name = call.Name, Output = output, AgentId = AgentId });

    /// <summary>Runs one approved call, timed and in its execute_tool span; the agent tool runs a subagent one level deeper.</summary>
    private async Task<ToolResult> InvokeAsync(ToolCallRequest call, string wireId, CancellationToken cancellationToken)
    {
        var startedAt = _session.Metrics.Agents.Timestamp();
        // Current while the tool runs, so a subagent's invoke_agent span is its child.
        using var span = GatewayTracing.StartTool(call.Name, call.Id);
        ToolResult result;
        if (call.Name != AgentTool.Name)
        {
            var progress = new ToolProgressSink(_session, RunId, wireId, call.Name, AgentId);
            try
            {
                result = await _tools.InvokeAsync(call.Name, call.Arguments, _session.ToolContext, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // SPEC §6: a tool that throws still gets a result, and the model can recover from it.
                result = ToolResult.Failure($"{call.Name} failed: {e.Message}");
            }
            finally
            {
                // Before the caller emits tool_result: no progress event may follow it (SPEC §5).
                await progress.CompleteAsync().ConfigureAwait(false);
            }
        }
        else
        {
            result = await RunSubagentAsync(call, wireId, cancellationToken).ConfigureAwait(false);
        }
        _session.Metrics.Agents.ToolCalled(call.Name, result.Error is null ? ToolOutcome.Success : ToolOutcome.Error, startedAt);
        if (result.Error is not null)
        {
            GatewayTracing.RecordError(span, "tool_error");
        }
        return result;
    }

    private async Task<ToolResult> RunSubagentAsync(ToolCallRequest call, string wireId, CancellationToken cancellationToken)
    {
        using var arguments = JsonDocument.Parse(call.Arguments.Utf8);
        if (!arguments.RootElement.TryGetProperty("task", out var task) || task.ValueKind != JsonValueKind.String || task.GetString() is not { Length: > 0 } taskText)
        {
            return ToolResult.Failure("agent needs a non-empty string 'task'.");
        }
        var subagent = new AgentRun(_session, _request, _tools, _depth + 1, parentId: wireId);
        var outcome = await subagent.RunAsync([ChatMessage.User(taskText)], cancellationToken).ConfigureAwait(false);
        return outcome.Error is { } error
            ? ToolResult.Failure($"Subagent failed: {error}")
            : ToolResult.Success(outcome.FinalText, RawJson.FromString(outcome.FinalText));
    }

    /// <summary>Where one call stands after its permission step.</summary>
    /// <param name="Output">The result already reported, for calls that will not run.</param>
    private readonly record struct CallOutcome(string WireId, bool Approved, RawJson Output, Task<ToolResult>? Running);
}

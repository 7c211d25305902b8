using System.Text.Json;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Events;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>One gated call as the permission step sees it (SPEC §6): its tool, ids, arguments and the view rules match.</summary>
/// <param name="RawCallId">The id a <c>deniedCallIds</c> entry names.</param>
/// <param name="WireId">The relay's <c>toolCallId</c>.</param>
/// <param name="Arguments">The relay's <c>params</c>.</param>
/// <param name="View">What the session's rules match against.</param>
internal readonly record struct GatedCall(string Tool, string RawCallId, string WireId, RawJson Arguments, JsonElement View);

/// <summary>The permission step shared by the agent loop's tool calls and RLM's <c>exec</c> (SPEC §6, §8).</summary>
internal static class PermissionGate
{
    /// <summary>
    /// The session's rules decide (deny, allow, ask); "ask" emits a relay from the run named by the ids and waits for its
    /// answer (a timed-out relay is a denial, SPEC §4). An "always" approval adds <paramref name="deriveAlways"/>'s rule.
    /// </summary>
    /// <returns>Allow, or Deny with the reason given, if any.</returns>
    public static async Task<PermissionDecision> DecideAsync(
        AgentOrchestrator session, string runId, string? parentId, string agentId, GatedCall call, Func<PermissionRule> deriveAlways, CancellationToken cancellationToken)
    {
        var decision = session.Permissions.Decide(call.Tool, call.RawCallId, call.View);
        if (decision.Verdict != PermissionVerdict.Ask)
        {
            return decision;
        }
        var answer = await session.RequestPermissionAsync(new RelayEvent
        {
            RunId = runId,
            Id = Ids.New(),
            ParentId = parentId,
            ToolCallId = call.WireId,
            Tool = call.Tool,
            Params = call.Arguments,
            AgentId = agentId,
        }, cancellationToken).ConfigureAwait(false);
        if (answer.Approved && answer.Always)
        {
            session.Permissions.AllowAlways(deriveAlways());
        }
        return answer.Approved ? new(PermissionVerdict.Allow) : new(PermissionVerdict.Deny, answer.Reason);
    }
}

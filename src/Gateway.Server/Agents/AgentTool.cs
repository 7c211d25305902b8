using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>The <c>agent {task}</c> tool (SPEC §6): the loop itself runs it, as a subagent.</summary>
internal static class AgentTool
{
    public const string Name = "agent";

    public static ToolDefinition Definition { get; } = new(
        Name,
        "Start a subagent with the same tools to carry out a self-contained task; returns its final answer.",
        RawJson.Parse("""{"type":"object","properties":{"task":{"type":"string","description":"What the subagent should do, with all the context it needs."}},"required":["task"],"additionalProperties":false}"""));
}

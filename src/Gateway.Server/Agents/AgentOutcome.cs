namespace Gateway.Server.Agents;

/// <summary>How an agent run ended: its final text, or the error that stopped it.</summary>
internal readonly record struct AgentOutcome(string FinalText, string? Error);

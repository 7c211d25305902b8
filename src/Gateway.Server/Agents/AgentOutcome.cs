namespace Gateway.Server.Agents;

/// <summary>How an agent run ended: its final text, or the error that stopped it.</summary>
/// <param name="ReachedMaxIterations">The run used its maxIterations turns and summed up (SPEC §6).</param>
internal readonly record struct AgentOutcome(string FinalText, string? Error, bool ReachedMaxIterations = false);

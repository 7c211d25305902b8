namespace Gateway.Server.Providers;

/// <summary>How hard the model is asked to think (SPEC §3 <c>reasoningEffort</c>); each provider maps it to its own terms.</summary>
internal enum ReasoningEffort : byte
{
    Low,
    Medium,
    High,
}

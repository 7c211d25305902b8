namespace Gateway.Server.Agents;

/// <summary>A run's ids on its harness_start and harness_end: what the session needs to end a run it leaves open (SPEC §5).</summary>
/// <remarks>An agent run (<see cref="AgentRun"/>) or, in RLM mode, an RLM run.</remarks>
internal interface IRunIds
{
    string RunId { get; }

    string AgentId { get; }

    /// <summary>What spawned the run; null for the session's root run.</summary>
    string? ParentId { get; }
}

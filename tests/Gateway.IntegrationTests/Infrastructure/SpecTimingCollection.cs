namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that hold the gateway to a wall-clock bound SPEC sets (a session gone within 1 s of its client, §6) run
/// alone, after the parallel ones: beside llama.cpp decoding on both cores of a 2-core machine, a starved thread
/// pool can miss a bound the gateway itself meets by orders of magnitude (milliseconds, in these tests' output).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SpecTimingCollection
{
    public const string Name = "SPEC timing bounds";
}

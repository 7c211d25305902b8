namespace Gateway.IntegrationTests.Local;

/// <summary>
/// The local-model tests run one class at a time: each runs llama.cpp on the CPU, and on a two-core machine
/// classes decoding side by side only slow each other down. (They still run beside the other test classes.)
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalModelsCollection
{
    public const string Name = "Local models";
}

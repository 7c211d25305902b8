namespace Gateway.Generators;

/// <summary>Names of the pipeline stages, so tests can assert each one is cached (STYLE §26).</summary>
/// <remarks>Every <see cref="ToolRegistryGenerator"/> stage starts with <c>Tool</c> and no other does, so tests can tell the generators' stages apart.</remarks>
internal static class TrackingNames
{
    public const string ServerEventResults = nameof(ServerEventResults);
    public const string ServerEventSpecs = nameof(ServerEventSpecs);
    public const string ServerEventSpecsToEmit = nameof(ServerEventSpecsToEmit);
    public const string ServerEventDiagnostics = nameof(ServerEventDiagnostics);
    public const string EventPayloadResults = nameof(EventPayloadResults);
    public const string EventPayloadSpecs = nameof(EventPayloadSpecs);
    public const string EventPayloadSpecsToEmit = nameof(EventPayloadSpecsToEmit);
    public const string EventPayloadDiagnostics = nameof(EventPayloadDiagnostics);
    public const string EventNames = nameof(EventNames);
    public const string EventNamesDeclared = nameof(EventNamesDeclared);
    public const string AllEventNames = nameof(AllEventNames);
    public const string DuplicateEventNames = nameof(DuplicateEventNames);

    public const string ToolResults = nameof(ToolResults);
    public const string ToolDiagnostics = nameof(ToolDiagnostics);
    public const string ToolSpecs = nameof(ToolSpecs);
    public const string ToolSpecsCollected = nameof(ToolSpecsCollected);
    public const string ToolNames = nameof(ToolNames);
    public const string ToolNamesCollected = nameof(ToolNamesCollected);
    public const string ToolDuplicateNames = nameof(ToolDuplicateNames);
    public const string ToolRootNamespace = nameof(ToolRootNamespace);
    public const string ToolAssemblyName = nameof(ToolAssemblyName);
    public const string ToolRegistryNamespace = nameof(ToolRegistryNamespace);
    public const string ToolRegistryInputs = nameof(ToolRegistryInputs);
    public const string ToolRegistry = nameof(ToolRegistry);
}

namespace Gateway.Generators;

/// <summary>Names of the pipeline stages, so tests can assert each one is cached (STYLE §26).</summary>
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
}

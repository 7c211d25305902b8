using System.Text.Json.Serialization;
using Gateway.Server.Events;

namespace Gateway.Benchmarks;

/// <summary>The System.Text.Json baseline for <see cref="EventSerializationBenchmark"/>: its source generator over the same event structs.</summary>
/// <remarks>Options chosen so it writes the same members as the generated code: camelCase names, optional fields omitted.</remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(EventSerializationRawJsonConverter), typeof(EventSerializationUtf8TextConverter)])]
[JsonSerializable(typeof(TextEvent))]
[JsonSerializable(typeof(ToolResultEvent))]
[JsonSerializable(typeof(UsageEvent))]
internal sealed partial class EventSerializationJsonContext : JsonSerializerContext;

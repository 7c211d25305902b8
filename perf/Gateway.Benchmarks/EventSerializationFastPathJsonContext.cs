using System.Text.Json.Serialization;
using Gateway.Server.Events;

namespace Gateway.Benchmarks;

/// <summary>
/// <see cref="EventSerializationJsonContext"/> without the RawJson converter, for the events that have no
/// RawJson member: a context with any runtime converter loses System.Text.Json's fast path (it boxes the
/// struct and walks property metadata), so this shows the serializer at its best. The text event's UTF-8
/// content still needs its converter.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(EventSerializationUtf8TextConverter)])]
[JsonSerializable(typeof(TextEvent))]
[JsonSerializable(typeof(UsageEvent))]
internal sealed partial class EventSerializationFastPathJsonContext : JsonSerializerContext;

namespace Gateway.Generators.Model;

/// <summary>How a property's value is written; one <c>Utf8JsonWriter</c> call shape each.</summary>
internal enum PropertyKind
{
    String,
    Int32,
    Int64,
    Double,
    Boolean,

    /// <summary><c>Gateway.Tools.RawJson</c>: its bytes are already minified JSON and are written as they are.</summary>
    RawJson,

    /// <summary><c>Gateway.Server.Events.Utf8Text</c>: text already in UTF-8 (a model's delta), escaped as a string is.</summary>
    Utf8Text,

    /// <summary>An <c>[EventPayload]</c> struct: written as a nested object through its own <c>WriteJson</c>.</summary>
    Payload,
}

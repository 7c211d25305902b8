using Gateway.Tools;

namespace Gateway.Server.Providers;

/// <summary>
/// A form the answer's text must take (/v1's structured <c>response_format</c>,
/// https://platform.openai.com/docs/guides/structured-outputs): any JSON object, or JSON valid under a schema.
/// </summary>
/// <param name="Schema">The JSON Schema the answer must match; null for <c>json_object</c> (any object).</param>
/// <param name="Name">The schema's name (<c>json_schema.name</c>); null for <c>json_object</c>.</param>
internal sealed record ResponseFormat(RawJson? Schema, string? Name)
{
    /// <summary>OpenAI's JSON mode: any JSON object.</summary>
    public static ResponseFormat JsonObject { get; } = new(null, null);

    /// <summary>What the schema is for, which the model may read (<c>json_schema.description</c>).</summary>
    public string? Description { get; init; }

    /// <summary>Whether the answer must follow the schema exactly (<c>json_schema.strict</c>); null leaves the upstream's default.</summary>
    public bool? Strict { get; init; }
}

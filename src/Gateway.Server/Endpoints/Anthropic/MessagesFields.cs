using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>Reads one field of a Messages request object, refusing a wrong type with Anthropic's <c>path: problem</c> message.</summary>
internal static class MessagesFields
{
    /// <summary>The field's value, or false when it is absent or null.</summary>
    public static bool TryGet(JsonElement owner, string name, out JsonElement value) =>
        owner.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string RequireString(JsonElement owner, string name, string path) =>
        TryGet(owner, name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Invalid(path, name, "a string is required");

    public static string? OptionalString(JsonElement owner, string name, string path) =>
        !TryGet(owner, name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid(path, name, "must be a string");

    public static JsonElement RequireObject(JsonElement owner, string name, string path) =>
        TryGet(owner, name, out var value) && value.ValueKind == JsonValueKind.Object ? value : throw Invalid(path, name, "an object is required");

    public static double? Number(JsonElement owner, string name, double min, double max) =>
        !TryGet(owner, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= min && number <= max ? number
        : throw Invalid("", name, $"must be a number from {min} to {max}");

    /// <summary>An integer of at least <paramref name="min"/>.</summary>
    public static int? Integer(JsonElement owner, string name, string path, int min) =>
        !TryGet(owner, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= min ? count
        : throw Invalid(path, name, $"must be an integer of at least {min}");

    public static bool? Boolean(JsonElement owner, string name, string path) =>
        !TryGet(owner, name, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Invalid(path, name, "must be a boolean");

    /// <summary>A block's <c>cache_control</c>, kept as sent for an Anthropic upstream (docs.anthropic.com/en/docs/build-with-claude/prompt-caching).</summary>
    public static RawJson? CacheControl(JsonElement block, string path) =>
        !TryGet(block, "cache_control", out var value) ? null
        : value.ValueKind == JsonValueKind.Object ? RawJson.FromElement(value)
        : throw Invalid(path, "cache_control", "must be an object");

    /// <summary>Anthropic names a field by its dotted path, array indexes included (<c>messages.0.content.1.type</c>).</summary>
    public static AnthropicError Invalid(string path, string name, string problem) =>
        AnthropicError.InvalidRequest($"{(path.Length == 0 ? name : $"{path}.{name}")}: {problem}");
}

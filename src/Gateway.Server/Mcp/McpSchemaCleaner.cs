using System.Buffers;
using System.Text.Json;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Local.Tools;
using Gateway.Tools;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>
/// A server's tool as the model is offered it: an object schema without <c>$schema</c> (Zod's draft-07 marker), small
/// and shallow enough for every provider, the local grammar included, whose refusal would fail the whole request.
/// </summary>
internal static class McpSchemaCleaner
{
    public const int MaxSchemaBytes = 32 * 1024;

    /// <summary>Nesting of the schema's JSON; the local grammar takes 64 levels of schemas, and JsonDocument 64 of JSON.</summary>
    public const int MaxDepth = 32;

    /// <summary>The local grammar takes 256 KiB for every offered tool together.</summary>
    public const int MaxGrammarLength = 16 * 1024;

    public const int MaxDescriptionLength = 1024;

    /// <summary>The schema the model is offered, or null and why the tool cannot be offered.</summary>
    public static RawJson? Clean(JsonElement schema, out string? reason)
    {
        reason = Refusal(schema);
        if (reason is not null)
        {
            return null;
        }
        var cleaned = Write(schema);
        reason = cleaned.Utf8.Length > MaxSchemaBytes ? $"its input schema has {cleaned.Utf8.Length} bytes, more than {MaxSchemaBytes}"
            : !IsShallow(cleaned) ? $"its input schema nests more than {MaxDepth} levels deep"
            : GrammarRefusal(cleaned);
        return reason is null ? cleaned : null;
    }

    /// <summary>The tool's description (its title when it has none), cut at <see cref="MaxDescriptionLength"/>.</summary>
    public static string Description(Tool tool)
    {
        var text = tool.Description ?? tool.Title ?? "";
        if (text.Length <= MaxDescriptionLength)
        {
            return text;
        }
        var end = char.IsLowSurrogate(text[MaxDescriptionLength - 1]) ? MaxDescriptionLength - 2 : MaxDescriptionLength - 1;
        return text[..end] + "…";
    }

    private static string? Refusal(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "its input schema is not a JSON object";
        }
        return schema.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("object"u8))
            ? $"its input schema is of type {type.GetRawText()}, not \"object\" (MCP 2025-11-25 tools/list)"
            : null;
    }

    /// <summary>The schema without <c>$schema</c>, with <c>type</c> and <c>properties</c> when it lacks them.</summary>
    private static RawJson Write(JsonElement schema)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            if (!schema.TryGetProperty("type", out _))
            {
                json.WriteString("type"u8, "object"u8);
            }
            foreach (var property in schema.EnumerateObject())
            {
                if (!property.NameEquals("$schema"u8))
                {
                    property.WriteTo(json);
                }
            }
            if (!schema.TryGetProperty("properties", out _))
            {
                json.WriteStartObject("properties"u8);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }

    private static bool IsShallow(RawJson schema)
    {
        var reader = new Utf8JsonReader(schema.Utf8.Span, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Why the local models' grammar (<see cref="JsonSchemaGrammar"/>) would refuse the schema, or null.</summary>
    private static string? GrammarRefusal(RawJson schema)
    {
        using var document = JsonDocument.Parse(schema.Utf8);
        try
        {
            var length = JsonSchemaGrammar.For(document.RootElement).Length;
            return length > MaxGrammarLength ? $"its input schema makes a grammar of {length / 1024} KiB for local models, more than {MaxGrammarLength / 1024} KiB" : null;
        }
        catch (LocalModelException e)
        {
            return e.Message;
        }
    }
}

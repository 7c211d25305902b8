using System.Text.Json;

namespace Gateway.Server.Providers;

/// <summary>Lenient reads of optional values in upstream JSON: a value of an unexpected type counts as absent and is skipped.</summary>
internal static class Utf8JsonReaderExtensions
{
    /// <summary>The string at the current token, or null (after skipping the value) for anything else.</summary>
    public static string? StringOrNull(this ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }
        reader.Skip();
        return null;
    }

    /// <summary>The whole number at the current token, or null (after skipping the value) for anything else.</summary>
    public static long? NumberOrNull(this ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }
        reader.Skip();
        return null;
    }

    /// <summary>True at the start of an array; any other value is skipped and counts as no array.</summary>
    public static bool EnterArray(this ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return true;
        }
        reader.Skip();
        return false;
    }

    /// <summary>True at the start of an object; any other value is skipped and counts as no object.</summary>
    public static bool EnterObject(this ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }
        reader.Skip();
        return false;
    }

    /// <summary>Moves to the array's next object element, skipping elements of other types; false at the array's end.</summary>
    public static bool ReadNextObjectInArray(this ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                return true;
            }
            reader.Skip();
        }
        return false;
    }

    /// <summary>Reads <c>{"message":"…","type":"…",…}</c> or a bare string, as the error bodies of both APIs are shaped.</summary>
    public static (string Message, string? Type) ReadError(this ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return (reader.GetString()!, null);
        }
        string? message = null, type = null;
        if (!reader.EnterObject())
        {
            return ("unknown error", null);
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                message = reader.StringOrNull();
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.StringOrNull();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return (message ?? "unknown error", type);
    }
}

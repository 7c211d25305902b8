using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers;

/// <summary>
/// Lenient reads of optional values in upstream JSON: a value of an unexpected type counts as absent and is skipped,
/// and a string that is not valid text reads as a decoder reads it, never as an exception.
/// </summary>
internal static class Utf8JsonReaderExtensions
{
    /// <summary>The string at the current token, or null (after skipping the value) for anything else.</summary>
    public static string? StringOrNull(this ref Utf8JsonReader reader) => reader.TextOrNull(out _);

    /// <summary>
    /// The string at the current token, or null (after skipping the value) for anything else. Bytes that are not UTF-8
    /// and escaped lone surrogates, on which <c>GetString</c> throws, each read as U+FFFD, as a UTF-8 decoder reads an
    /// ill-formed sequence (Unicode §3.9, U+FFFD substitution); <paramref name="replaced"/> says that happened.
    /// </summary>
    public static string? TextOrNull(this ref Utf8JsonReader reader, out bool replaced)
    {
        replaced = false;
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }
        ReadOnlySpan<byte> contents = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        replaced = !JsonText.IsReadable(contents);
        return replaced ? WithReplacements(contents) : reader.GetString();
    }

    /// <summary>
    /// The string at the current token as UTF-8, read as <see cref="TextOrNull"/> reads it, without a string: its bytes in
    /// the reader's buffer when they need no unescaping, else unescaped into <paramref name="scratch"/> (grown as needed).
    /// Empty (after skipping the value) for anything else.
    /// </summary>
    public static ReadOnlySpan<byte> TextBytes(this scoped ref Utf8JsonReader reader, ref byte[]? scratch, out bool replaced)
    {
        replaced = false;
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return default;
        }
        ReadOnlySpan<byte> contents = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        if (!JsonText.IsReadable(contents))
        {
            replaced = true;
            scratch = Encoding.UTF8.GetBytes(WithReplacements(contents));
            return scratch;
        }
        if (!reader.ValueIsEscaped)
        {
            return contents;
        }
        if (scratch is null || scratch.Length < contents.Length)
        {
            scratch = new byte[Math.Max(contents.Length, 2 * (scratch?.Length ?? 128))];
        }
        return scratch.AsSpan(0, reader.CopyString(scratch));
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
            return (reader.StringOrNull()!, null);
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

    /// <summary>A string's contents as text, each ill-formed sequence and lone surrogate escape read as U+FFFD.</summary>
    private static string WithReplacements(ReadOnlySpan<byte> contents)
    {
        // Decoding and encoding again replaces what is not UTF-8; escapes are ASCII and pass unchanged.
        var repaired = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(contents));
        var from = 0;
        while (JsonText.LoneSurrogateEscape(repaired.AsSpan(from)) is var at and >= 0)
        {
            "\\uFFFD"u8.CopyTo(repaired.AsSpan(from + at));
            from += at + 6;
        }
        byte[] quoted = [(byte)'"', .. repaired, (byte)'"'];
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString()!;
    }
}

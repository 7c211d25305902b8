using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>JSON text for prompts and grammars, written as models write it: <c>\"</c> and plain non-ASCII, not <c>\u0022</c>.</summary>
internal static class PromptJson
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A JSON string literal of <paramref name="text"/>.</summary>
    public static string String(string text) => Write(writer => writer.WriteStringValue(text));
}

using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary>Turns a POST /summarize body into a <see cref="SummarizeRequest"/>, with /chat's errors for what the two share (SPEC §3).</summary>
/// <remarks>
/// The body, model and messages are checked as <see cref="ChatRequestParser"/> checks them, in the same order and with the
/// same messages; then <c>sourceIds</c>. /chat's other fields mean nothing to one plain model call and are ignored.
/// </remarks>
internal static class SummarizeRequestParser
{
    private static readonly RawJson NoSourceIds = RawJson.Parse("[]"u8);

    /// <param name="key">The key the request presented, whose <c>models</c> the model must match (403 otherwise); null: any model.</param>
    /// <exception cref="RequestError">The request is refused; its status and message say why.</exception>
    public static SummarizeRequest Parse(ReadOnlyMemory<byte> body, ModelCatalog catalog, string? defaultModel, ClientKey? key = null)
    {
        using var document = ChatRequestParser.ParseObject(body);
        var root = document.RootElement;
        var (_, provider, providerModel, messages) = ChatRequestParser.ParseHead(root, catalog, defaultModel, key);
        MessageParser.ParseMessages(messages);
        return new SummarizeRequest(provider, providerModel, SummaryPrompt.Transcript(messages), ReadSourceIds(root));
    }

    /// <summary>SPEC §3 <c>sourceIds</c>: an array of strings, echoed back; absent or null is <c>[]</c>.</summary>
    private static RawJson ReadSourceIds(JsonElement root)
    {
        if (!root.TryGetProperty("sourceIds", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return NoSourceIds;
        }
        if (value.ValueKind == JsonValueKind.Array)
        {
            var allStrings = true;
            foreach (var item in value.EnumerateArray())
            {
                allStrings &= item.ValueKind == JsonValueKind.String;
            }
            if (allStrings)
            {
                return RawJson.FromElement(value);
            }
        }
        throw RequestError.BadRequest("sourceIds must be an array of strings");
    }
}

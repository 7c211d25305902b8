using System.Text.Json;

namespace Gateway.Server.Providers.Upstream;

internal sealed partial class UpstreamHttp
{
    /// <summary>
    /// GETs a model listing and returns its <c>data[].id</c> values, the shape OpenAI's "List models"
    /// (https://platform.openai.com/docs/api-reference/models/list) and Anthropic's
    /// (https://docs.anthropic.com/en/api/models-list) share.
    /// </summary>
    /// <exception cref="HttpRequestException">The upstream failed; the message is the same one a turn would report.</exception>
    public async Task<IReadOnlyList<string>> ListModelsAsync(string provider, UpstreamRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadJsonAsync(provider, request, "model listing", cancellationToken).ConfigureAwait(false);
        try
        {
            return ParseModelIds(body);
        }
        catch (JsonException e)
        {
            throw new HttpRequestException($"{provider} sent a malformed model listing: {e.Message}", e);
        }
    }

    /// <summary>The <c>id</c> of every object in the top-level <c>data</c> array, in order.</summary>
    internal static List<string> ParseModelIds(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected a JSON object");
        }
        List<string>? ids = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isData = reader.ValueTextEquals("data"u8);
            reader.Read();
            if (!isData || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            ids = [];
            while (reader.ReadNextObjectInArray())
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isId && reader.TokenType == JsonTokenType.String)
                    {
                        ids.Add(reader.StringOrNull()!);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        return ids ?? throw new JsonException("no \"data\" array");
    }
}

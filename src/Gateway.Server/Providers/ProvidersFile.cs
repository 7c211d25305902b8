using System.Text.Json;

namespace Gateway.Server.Providers;

/// <summary>
/// Reads <c>PROVIDERS_FILE</c>: further OpenAI-compatible upstreams,
/// <c>{"providers":[{"name":"local-llama","baseUrl":"http://127.0.0.1:8080/v1","apiKey":"…"}]}</c>.
/// </summary>
/// <remarks>
/// <c>apiKey</c> is optional (llama-server needs none); <c>promptCacheKey: true</c> sends /chat's session id as
/// <c>prompt_cache_key</c>, for servers that take it (off by default: a strict server may refuse unknown fields);
/// <c>api</c> is <c>"chat"</c> (chat completions, the default) or <c>"responses"</c> (OpenAI's Responses API). Comments and trailing commas are allowed; unknown
/// properties are ignored so the file can carry notes. A name must be non-empty and free of '/', since it
/// is the <c>name/model</c> prefix.
/// </remarks>
internal static class ProvidersFile
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <exception cref="FormatException">The file is not the shape above; the message says where.</exception>
    public static List<ProviderEndpoint> Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "expected a JSON object");
            List<ProviderEndpoint>? providers = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("providers"u8))
                {
                    reader.Skip();
                    continue;
                }
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray, "\"providers\" must be an array");
                providers = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    providers.Add(ReadEntry(ref reader, providers.Count));
                }
            }
            return providers ?? throw new FormatException("no \"providers\" array");
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON ({e.Message})", e);
        }
    }

    private static ProviderEndpoint ReadEntry(ref Utf8JsonReader reader, int index)
    {
        var where = $"providers[{index}]";
        Expect(reader.TokenType == JsonTokenType.StartObject, $"{where} must be an object");
        string? name = null, baseUrl = null, apiKey = null, api = null;
        var promptCacheKey = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("name"u8) ? 1 : reader.ValueTextEquals("baseUrl"u8) ? 2 : reader.ValueTextEquals("apiKey"u8) ? 3
                : reader.ValueTextEquals("promptCacheKey"u8) ? 4 : reader.ValueTextEquals("api"u8) ? 5 : 0;
            reader.Read();
            if (field == 0)
            {
                reader.Skip();
                continue;
            }
            if (field == 4)
            {
                Expect(reader.TokenType is JsonTokenType.True or JsonTokenType.False, $"{where}.promptCacheKey must be true or false");
                promptCacheKey = reader.GetBoolean();
                continue;
            }
            Expect(reader.TokenType is JsonTokenType.String or JsonTokenType.Null, $"{where}: values must be strings");
            var value = reader.GetString();
            if (field == 1)
            {
                name = value;
            }
            else if (field == 2)
            {
                baseUrl = value;
            }
            else if (field == 5)
            {
                api = value;
            }
            else
            {
                apiKey = value;
            }
        }
        Expect(!string.IsNullOrWhiteSpace(name) && !name.Contains('/'), $"{where}.name must be a non-empty string without '/'");
        Expect(TryParseBaseUrl(baseUrl, out var uri), $"{where}.baseUrl must be an absolute http or https URL");
        var protocol = api switch
        {
            null or "chat" => ProviderProtocol.OpenAiCompatible,
            "responses" => ProviderProtocol.OpenAiResponses,
            _ => throw new FormatException($"{where}.api must be \"chat\" or \"responses\""),
        };
        return new ProviderEndpoint(name!.Trim(), protocol, uri!, string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim())
        {
            PromptCacheKey = promptCacheKey,
        };
    }

    /// <summary>An absolute http(s) URL; shared with the environment variables' base URLs.</summary>
    public static bool TryParseBaseUrl(string? text, out Uri? uri) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new FormatException(message);
        }
    }
}

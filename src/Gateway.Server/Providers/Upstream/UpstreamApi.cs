namespace Gateway.Server.Providers.Upstream;

/// <summary>
/// One upstream model API as a provider calls it: the URL turns are posted to, the model list's, and the headers every
/// request carries (its key, its version).
/// </summary>
internal sealed class UpstreamApi(string provider, UpstreamHttp http, string root, string turnsPath, string modelsPath, KeyValuePair<string, string>[] headers)
{
    private readonly Uri _models = new(root + modelsPath);

    /// <summary>The API of <paramref name="baseUrl"/> with turns at <paramref name="turnsPath"/> and the model list at <paramref name="modelsPath"/>.</summary>
    public static UpstreamApi At(string provider, UpstreamHttp http, Uri baseUrl, string turnsPath, string modelsPath, KeyValuePair<string, string>[] headers) =>
        new(provider, http, baseUrl.AbsoluteUri.TrimEnd('/'), turnsPath, modelsPath, headers);

    /// <summary><c>Authorization: Bearer</c> with the key, or no header when there is none (local servers).</summary>
    public static KeyValuePair<string, string>[] Bearer(string? apiKey) =>
        string.IsNullOrEmpty(apiKey) ? [] : [new("Authorization", "Bearer " + apiKey)];

    public Uri Turns { get; } = new(root + turnsPath);

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) =>
        http.ListModelsAsync(provider, new UpstreamRequest(HttpMethod.Get, _models, headers, null, "application/json"), cancellationToken);

    /// <summary>Posts one turn's body and decodes its event stream into <paramref name="sink"/>; a body that cannot be written is the turn's failure.</summary>
    public Task StreamTurnAsync(Func<byte[]> writeBody, IStreamDecoder decoder, ITurnSink sink, CancellationToken cancellationToken)
    {
        if (!ProviderJson.TryEncode(provider, writeBody, out var body, out var failure))
        {
            failure.Deliver(sink);
            return Task.CompletedTask;
        }
        return http.StreamAsync(provider, new UpstreamRequest(HttpMethod.Post, Turns, headers, body, "text/event-stream"), decoder, sink, cancellationToken);
    }

    /// <summary>Posts a JSON body to another path of the same API (Anthropic's <c>count_tokens</c>) and reads its JSON answer.</summary>
    /// <param name="what">What the answer is, for the failure's message.</param>
    public Task<byte[]> PostJsonAsync(string path, byte[] body, string what, CancellationToken cancellationToken) =>
        http.ReadJsonAsync(provider, new UpstreamRequest(HttpMethod.Post, new Uri(root + path), headers, body, "application/json"), what, cancellationToken);
}

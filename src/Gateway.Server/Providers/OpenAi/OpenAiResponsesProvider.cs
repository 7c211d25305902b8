using Gateway.Server.Providers.Upstream;

namespace Gateway.Server.Providers.OpenAi;

/// <summary>
/// OpenAI's Responses API: turns are <c>POST {baseUrl}/responses</c> with <c>stream: true</c>
/// (https://platform.openai.com/docs/api-reference/responses/create); models are <c>GET {baseUrl}/models</c>.
/// </summary>
/// <remarks>
/// The API that streams reasoning summaries and serves the models only it has (the codex family). It does not take
/// chat-completions fields, so it does not count as speaking OpenAI to the /v1 front door (<see cref="IModelProvider.SpeaksOpenAi"/>).
/// </remarks>
internal sealed partial class OpenAiResponsesProvider : IModelProvider
{
    private readonly UpstreamHttp _http;
    private readonly Uri _responsesUri;
    private readonly Uri _modelsUri;
    private readonly KeyValuePair<string, string>[] _headers;

    public OpenAiResponsesProvider(string name, Uri baseUrl, string? apiKey, UpstreamHttp http)
    {
        Name = name;
        _http = http;
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        _responsesUri = new Uri(root + "/responses");
        _modelsUri = new Uri(root + "/models");
        _headers = string.IsNullOrEmpty(apiKey) ? [] : [new("Authorization", "Bearer " + apiKey)];
    }

    public string Name { get; }

    public Uri ServerUrl => _responsesUri;

    public bool ConstrainsOutput => true;

    /// <summary>Whether a /chat turn carries its session id as <c>prompt_cache_key</c>.</summary>
    public bool SendsPromptCacheKey { get; init; }

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) =>
        _http.ListModelsAsync(Name, new UpstreamRequest(HttpMethod.Get, _modelsUri, _headers, null, "application/json"), cancellationToken);

    /// <summary>
    /// Asks for reasoning (its effort, its encrypted items), and asks again without when the upstream refuses a reasoning
    /// field: models that cannot reason answer 400 naming it, and SPEC §3 has such models ignore reasoningEffort.
    /// </summary>
    public async Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        var refusal = new ReasoningRefusal(sink, "reasoning");
        await SendAsync(request, refusal, reasoning: true, cancellationToken).ConfigureAwait(false);
        if (refusal.Refused)
        {
            await SendAsync(request, sink, reasoning: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendAsync(ModelTurnRequest request, ITurnSink sink, bool reasoning, CancellationToken cancellationToken)
    {
        if (!ProviderJson.TryEncode(Name, () => WriteRequestBody(request, SendsPromptCacheKey, reasoning), out var body, out var failure))
        {
            failure.Deliver(sink);
            return Task.CompletedTask;
        }
        var upstream = new UpstreamRequest(HttpMethod.Post, _responsesUri, _headers, body, "text/event-stream");
        return _http.StreamAsync(Name, upstream, new OpenAiResponsesStreamDecoder(Name), sink, cancellationToken);
    }
}

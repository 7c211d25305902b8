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
    private readonly UpstreamApi _api;

    public OpenAiResponsesProvider(string name, Uri baseUrl, string? apiKey, UpstreamHttp http)
    {
        Name = name;
        _api = UpstreamApi.At(name, http, baseUrl, "/responses", "/models", UpstreamApi.Bearer(apiKey));
    }

    public string Name { get; }

    public Uri ServerUrl => _api.Turns;

    public bool ConstrainsOutput => true;

    /// <summary>Whether a /chat turn carries its session id as <c>prompt_cache_key</c>.</summary>
    public bool SendsPromptCacheKey { get; init; }

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) => _api.ListModelsAsync(cancellationToken);

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

    private Task SendAsync(ModelTurnRequest request, ITurnSink sink, bool reasoning, CancellationToken cancellationToken) =>
        _api.StreamTurnAsync(() => WriteRequestBody(request, SendsPromptCacheKey, reasoning), new OpenAiResponsesStreamDecoder(Name), sink, cancellationToken);
}

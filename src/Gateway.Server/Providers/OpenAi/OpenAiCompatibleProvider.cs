using Gateway.Server.Providers.Upstream;

namespace Gateway.Server.Providers.OpenAi;

/// <summary>
/// A model API that speaks OpenAI chat completions: OpenAI, OpenRouter, OpenCode Zen, llama-server, vLLM, Ollama.
/// Turns are <c>POST {baseUrl}/chat/completions</c> with <c>stream: true</c>
/// (https://platform.openai.com/docs/api-reference/chat/create); models are <c>GET {baseUrl}/models</c>.
/// </summary>
/// <remarks>The key goes in <c>Authorization: Bearer</c>; without one (local servers) the header is left out.</remarks>
internal sealed partial class OpenAiCompatibleProvider : IModelProvider
{
    private readonly UpstreamApi _api;

    public OpenAiCompatibleProvider(string name, Uri baseUrl, string? apiKey, UpstreamHttp http)
    {
        Name = name;
        _api = UpstreamApi.At(name, http, baseUrl, "/chat/completions", "/models", UpstreamApi.Bearer(apiKey));
    }

    public string Name { get; }

    public bool SpeaksOpenAi => true;

    public bool ConstrainsOutput => true;

    /// <summary>Whether a /chat turn carries its session id as <c>prompt_cache_key</c>, so the upstream routes it to its cached prefix.</summary>
    public bool SendsPromptCacheKey { get; init; }

    public Uri ServerUrl => _api.Turns;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) => _api.ListModelsAsync(cancellationToken);

    public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken) =>
        OwnReasoningEffort(request.Options) is null
            ? SendAsync(request, sink, reasoningEffort: false, cancellationToken)
            : StreamWithReasoningAsync(request, sink, cancellationToken);

    private Task SendAsync(ModelTurnRequest request, ITurnSink sink, bool reasoningEffort, CancellationToken cancellationToken) =>
        _api.StreamTurnAsync(() => WriteRequestBody(request, SendsPromptCacheKey, reasoningEffort), new OpenAiStreamDecoder(Name), sink, cancellationToken);
}

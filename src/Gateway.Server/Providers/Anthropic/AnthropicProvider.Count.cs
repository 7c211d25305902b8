using System.Text.Json;

namespace Gateway.Server.Providers.Anthropic;

internal sealed partial class AnthropicProvider
{
    /// <summary>
    /// Anthropic's own count: <c>POST /v1/messages/count_tokens</c> with the turn's prompt, answered <c>{"input_tokens"}</c>
    /// (https://docs.anthropic.com/en/api/messages-count-tokens).
    /// </summary>
    public async Task<long> CountInputTokensAsync(ModelTurnRequest request, CancellationToken cancellationToken)
    {
        var body = WriteRequestBody(request, MaxTokens, countOnly: true);
        var answer = await _api.PostJsonAsync("/v1/messages/count_tokens", body, "token count", cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.GetProperty("input_tokens").GetInt64();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new HttpRequestException($"{Name} sent a malformed token count: {e.Message}", e);
        }
    }
}

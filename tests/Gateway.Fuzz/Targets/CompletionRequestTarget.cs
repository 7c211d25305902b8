using Gateway.Server.Endpoints.OpenAi;

namespace Gateway.Fuzz.Targets;

/// <summary>The <c>POST /v1/chat/completions</c> body parser (CompletionRequestParser); an <see cref="OpenAiError"/> is its documented refusal.</summary>
internal static class CompletionRequestTarget
{
    public static void Fuzz(ReadOnlySpan<byte> input) => JsonBodyOracle.Check(input, Outcome);

    private static string Outcome(ReadOnlyMemory<byte> body)
    {
        try
        {
            var request = CompletionRequestParser.Parse(body, FuzzCatalog.Instance, defaultModel: null);
            var turn = request.Turn;
            var messages = turn.Messages.Select(m => $"{m.Role}:{m.Content.Count}:{m.ToolCalls.Count}:{m.ToolCallId}");
            return $"{request.Model} {request.Provider.Name}/{turn.Model} [{string.Join(' ', messages)}] tools {turn.Tools.Count} {request.Stream} {request.IncludeUsage}";
        }
        catch (OpenAiError e)
        {
            return $"{e.StatusCode} {e.Message} {e.Param} {e.Code}";
        }
    }
}

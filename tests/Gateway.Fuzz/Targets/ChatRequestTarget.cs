using Gateway.Server.Endpoints;

namespace Gateway.Fuzz.Targets;

/// <summary>The <c>POST /chat</c> body parser (ChatRequestParser); a <see cref="RequestError"/> is its documented refusal.</summary>
internal static class ChatRequestTarget
{
    public static void Fuzz(ReadOnlySpan<byte> input) => JsonBodyOracle.Check(input, Outcome);

    private static string Outcome(ReadOnlyMemory<byte> body)
    {
        try
        {
            var request = ChatRequestParser.Parse(body, FuzzCatalog.Instance, defaultModel: null);
            var messages = request.Messages.Select(m => $"{m.Role}:{m.Content.Count}:{m.ToolCalls.Count}:{m.ToolCallId}");
            return $"{request.Provider.Name}/{request.ProviderModel} [{string.Join(' ', messages)}] {request.MaxIterations} {request.MaxDepth}";
        }
        catch (RequestError e)
        {
            return $"{e.StatusCode} {e.Message}";
        }
    }
}

using Gateway.Server.Endpoints;

namespace Gateway.Fuzz.Targets;

/// <summary>The <c>POST /chat/relay/:relayId</c> body parser (RelayEndpoint); a <see cref="RequestError"/> is its documented refusal.</summary>
internal static class RelayRequestTarget
{
    public static void Fuzz(ReadOnlySpan<byte> input) => JsonBodyOracle.Check(input, Outcome);

    private static string Outcome(ReadOnlyMemory<byte> body)
    {
        try
        {
            var (sessionId, answer) = RelayEndpoint.Parse(body);
            return $"{sessionId} {answer}";
        }
        catch (RequestError e)
        {
            return $"{e.StatusCode} {e.Message}";
        }
    }
}

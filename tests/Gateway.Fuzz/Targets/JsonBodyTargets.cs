using Gateway.Server.Endpoints;
using Gateway.Server.Endpoints.Anthropic;
using Gateway.Server.Endpoints.OpenAi;
using Gateway.Server.Endpoints.Responses;

namespace Gateway.Fuzz.Targets;

/// <summary>The JSON body parsers of the POST routes, each with its documented refusal, under <see cref="JsonBodyOracle"/>.</summary>
internal static class JsonBodyTargets
{
    private static readonly ResponseStore s_responses = new(TimeProvider.System, TimeSpan.FromHours(1), capacity: 1);

    /// <summary><c>POST /chat</c>: ChatRequestParser, refusing with a <see cref="RequestError"/>.</summary>
    public static void Chat(ReadOnlySpan<byte> input) => JsonBodyOracle.Check<RequestError>(input, DescribeChat, e => $"{e.StatusCode} {e.Message}");

    /// <summary><c>POST /chat/relay/:relayId</c>: RelayEndpoint's parser, refusing with a <see cref="RequestError"/>.</summary>
    public static void Relay(ReadOnlySpan<byte> input) => JsonBodyOracle.Check<RequestError>(input, DescribeRelay, e => $"{e.StatusCode} {e.Message}");

    /// <summary><c>POST /v1/chat/completions</c>: CompletionRequestParser, refusing with an <see cref="OpenAiError"/>.</summary>
    public static void Completions(ReadOnlySpan<byte> input) =>
        JsonBodyOracle.Check<OpenAiError>(input, DescribeCompletion, e => $"{e.StatusCode} {e.Message} {e.Param} {e.Code}");

    /// <summary><c>POST /v1/responses</c>: ResponsesRequestParser, refusing with an <see cref="OpenAiError"/> (an empty store: any previous id is a 404).</summary>
    public static void Responses(ReadOnlySpan<byte> input) =>
        JsonBodyOracle.Check<OpenAiError>(input, DescribeResponse, e => $"{e.StatusCode} {e.Message} {e.Param} {e.Code}");

    /// <summary><c>POST /v1/messages</c>: MessagesRequestParser, refusing with an <see cref="AnthropicError"/>.</summary>
    public static void Messages(ReadOnlySpan<byte> input) => JsonBodyOracle.Check<AnthropicError>(input, DescribeMessages, e => $"{e.StatusCode} {e.Message}");

    private static string DescribeChat(ReadOnlyMemory<byte> body)
    {
        var request = ChatRequestParser.Parse(body, FuzzCatalog.Instance, defaultModel: null);
        return $"{request.Provider.Name}/{request.ProviderModel} [{JsonBodyOracle.Describe(request.Messages)}] {request.MaxIterations} {request.MaxDepth}";
    }

    /// <summary>Reads the whole body, as the endpoint does once it has found the relay.</summary>
    private static string DescribeRelay(ReadOnlyMemory<byte> body)
    {
        using var document = ChatRequestParser.ParseObject(body);
        var (sessionId, response) = RelayEndpoint.ReadRequest(document.RootElement);
        return $"{sessionId} {RelayEndpoint.ReadAnswer(response)}";
    }

    private static string DescribeCompletion(ReadOnlyMemory<byte> body)
    {
        var request = CompletionRequestParser.Parse(body, FuzzCatalog.Instance, defaultModel: null);
        var turn = request.Turn;
        return $"{request.Model} {request.Provider.Name}/{turn.Model} [{JsonBodyOracle.Describe(turn.Messages)}] tools {turn.Tools.Count} {request.Stream} {request.IncludeUsage}";
    }

    private static string DescribeResponse(ReadOnlyMemory<byte> body)
    {
        var request = ResponsesRequestParser.Parse(body, FuzzCatalog.Instance, defaultModel: null, key: null, s_responses);
        var turn = request.Turn;
        return $"{request.Model} {request.Provider.Name}/{turn.Model} [{JsonBodyOracle.Describe(turn.Messages)}] tools {turn.Tools.Count} {request.Stream} {request.Store}";
    }

    private static string DescribeMessages(ReadOnlyMemory<byte> body)
    {
        var request = MessagesRequestParser.Parse(body, FuzzCatalog.Instance, defaultModel: null, key: null);
        var turn = request.Turn;
        return $"{request.Model} {request.Provider.Name}/{turn.Model} [{JsonBodyOracle.Describe(turn.Messages)}] tools {turn.Tools.Count} {request.Stream} {turn.Options}";
    }
}

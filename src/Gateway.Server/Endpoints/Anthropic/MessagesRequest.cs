using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>A validated <c>POST /v1/messages</c> (or its count_tokens): one model turn and how its answer is to be sent.</summary>
/// <param name="Model">The model as the caller named it, echoed in the answer.</param>
internal sealed record MessagesRequest(string Model, IModelProvider Provider, ModelTurnRequest Turn, bool Stream) : ITurnRequest;

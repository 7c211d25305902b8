using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>A validated <c>POST /v1/chat/completions</c>: one model turn and how its answer is to be sent.</summary>
/// <param name="Model">The model as the caller named it, echoed in every response object.</param>
/// <param name="Turn">The turn for <paramref name="Provider"/>, in its own model id.</param>
/// <param name="IncludeUsage">Streaming only: <c>stream_options.include_usage</c>, a last chunk with the usage.</param>
internal sealed record CompletionRequest(string Model, IModelProvider Provider, ModelTurnRequest Turn, bool Stream, bool IncludeUsage) : ITurnRequest;

using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>A validated <c>POST /summarize</c> (SPEC §3).</summary>
/// <param name="Transcript">The conversation as <see cref="SummaryPrompt.Transcript"/> renders it.</param>
/// <param name="SourceIds">The request's <c>sourceIds</c>, a JSON array of strings (<c>[]</c> when absent), echoed in <c>connected</c>.</param>
internal sealed record SummarizeRequest(IModelProvider Provider, string ProviderModel, string Transcript, RawJson SourceIds)
{
    /// <summary>The client's key's tokens, which the call spends; null when no key pays for it.</summary>
    public ITokenBudget? Budget { get; init; }
}

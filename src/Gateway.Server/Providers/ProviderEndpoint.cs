using System.Text;

namespace Gateway.Server.Providers;

/// <summary>One configured upstream: the name that prefixes its models (<c>name/model</c>), its protocol, where it is, and its key.</summary>
/// <remarks>The key is never printed: <see cref="ToString"/> (records print every member) shows only whether there is one.</remarks>
internal sealed record ProviderEndpoint(string Name, ProviderProtocol Protocol, Uri BaseUrl, string? ApiKey)
{
    /// <summary>Whether /chat turns carry <c>prompt_cache_key</c> = the session id (OpenAI's; other servers may refuse the field).</summary>
    public bool PromptCacheKey { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Name = {Name}, Protocol = {Protocol}, BaseUrl = {BaseUrl}, ApiKey = {(ApiKey is null ? "unset" : "***")}, PromptCacheKey = {PromptCacheKey}");
        return true;
    }
}

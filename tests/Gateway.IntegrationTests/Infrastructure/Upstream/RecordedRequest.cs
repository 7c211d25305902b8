namespace Gateway.IntegrationTests.Infrastructure.Upstream;

/// <summary>One request as the fake upstream received it.</summary>
internal sealed record RecordedRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    /// <summary>The value of a header (case-insensitive name), or null.</summary>
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

using System.Text.Json;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>One event of a stream as it came off the wire: its name and its data line (and its id, on a resumable stream), or a comment.</summary>
public sealed record ServerSentEvent(string? Name, string Data, bool IsComment, long? Id = null)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    /// <summary>A string field of the data, or null when absent.</summary>
    public string? Field(string name) => Json.TryGetProperty(name, out var value) ? value.ToString() : null;

    public override string ToString() => IsComment ? $": {Data}" : $"{Name} {Data}";
}

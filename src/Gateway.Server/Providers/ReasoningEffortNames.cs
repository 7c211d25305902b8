namespace Gateway.Server.Providers;

/// <summary>The wire names of <see cref="ReasoningEffort"/>, the same in /chat's <c>reasoningEffort</c> and OpenAI's <c>reasoning_effort</c>.</summary>
internal static class ReasoningEffortNames
{
    /// <summary>The effort <paramref name="name"/> names; null for any other string.</summary>
    public static ReasoningEffort? Parse(string? name) => name switch
    {
        "low" => ReasoningEffort.Low,
        "medium" => ReasoningEffort.Medium,
        "high" => ReasoningEffort.High,
        _ => null,
    };

    public static string Name(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        _ => "high",
    };
}

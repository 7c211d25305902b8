namespace Gateway.Server.Agents.Rlm;

/// <summary>The user messages an RLM run answers the model's turns with (the origin's texts, issue 17).</summary>
internal static class ReplFeedback
{
    /// <summary>A REPL turn's result: <c>&lt;stdout&gt;</c> and <c>&lt;error&gt;</c> children, or "(no output)".</summary>
    /// <param name="stdout">The turn's output, already cut at 4,000 characters.</param>
    public static string Output(string stdout, string? error)
    {
        var parts = new List<string>(2);
        if (stdout.Length > 0)
        {
            parts.Add($"<stdout>\n{stdout}\n</stdout>");
        }
        if (!string.IsNullOrEmpty(error))
        {
            parts.Add($"<error>{error}</error>");
        }
        var body = parts.Count > 0 ? string.Join("\n", parts) : "(no output)";
        return $"<harness:repl_output>\n{body}\n</harness:repl_output>";
    }

    /// <summary>An answer that broke the code-block rule (<see cref="CodeBlock"/>); the turn is retried.</summary>
    public static string Rejected(string message) => $"<harness:error>{message}</harness:error>";
}

using System.Globalization;

namespace Gateway.Server.Agents.Rlm;

/// <summary>The <c>[llm_query]</c> and <c>[exec]</c> lines an RLM run prints on stderr while the REPL waits (the origin's texts, D7).</summary>
internal static class RlmStatusLines
{
    /// <param name="levelsLeft">How many more levels of child runs may nest below the caller (0: a flat model call).</param>
    public static string Started(int promptLength, int contextLength, int levelsLeft) =>
        string.Create(CultureInfo.InvariantCulture, $"[llm_query] prompt={promptLength} context={contextLength} depth={levelsLeft}\n");

    public static string Done(int resultLength) => string.Create(CultureInfo.InvariantCulture, $"[llm_query] done result={resultLength} chars\n");

    public static string ExecTimedOut(double seconds) => string.Create(CultureInfo.InvariantCulture, $"[exec] TIMEOUT after {seconds}s — process killed\n");
}

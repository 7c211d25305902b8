using System.Text.RegularExpressions;

namespace Gateway.Server.Agents.Rlm;

/// <summary>
/// The one fenced <c>js</c> block an RLM answer must hold (issue 17): prose may come before it, nothing after it.
/// The fence rule and the three messages are the origin's (its "rlm harness feedback clarity" plan), which models were tuned against.
/// </summary>
internal static partial class CodeBlock
{
    public const string NoBlock = "No code block found. Respond with exactly one ```js block.";

    public const string TextAfterFence =
        "Text found after closing code fence. Do not write anything after the closing ```. All reasoning must come before the code block.";

    /// <summary>The code of the answer's only block, trimmed; false with the message the model is sent back otherwise.</summary>
    public static bool TryExtract(string answer, out string code, out string error)
    {
        var blocks = Fence().Matches(answer);
        code = "";
        error = blocks.Count switch
        {
            0 => NoBlock,
            > 1 => $"Found {blocks.Count} code blocks. Respond with exactly one ```js block per turn.",
            _ => answer.AsSpan(blocks[0].Index + blocks[0].Length).IsWhiteSpace() ? "" : TextAfterFence,
        };
        if (error.Length > 0)
        {
            return false;
        }
        code = blocks[0].Groups[1].Value.Trim();
        return true;
    }

    /// <summary>The origin's <c>/```(?:js|javascript)\n([\s\S]*?)```/g</c>.</summary>
    [GeneratedRegex("```(?:js|javascript)\n([\\s\\S]*?)```", RegexOptions.CultureInvariant)]
    private static partial Regex Fence();
}

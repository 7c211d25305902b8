using System.Globalization;
using System.Text;
using Gateway.Tools;

namespace Gateway.Server.Agents.Rlm;

/// <summary>
/// The system message of every RLM model call (issue 17): metadata of <c>context</c> (its length and first 200
/// characters), the REPL's functions, and the response-format and feedback rules. Gateway's own words; the format and
/// feedback sections follow the origin's, which models were tuned against.
/// </summary>
internal static class RlmPrompt
{
    /// <summary>How much of the context the model is shown (the origin's metadataPrefixLength).</summary>
    public const int PrefixChars = 200;

    public static string System(string context)
    {
        var prefix = context.Length <= PrefixChars ? context
            : context[..(char.IsHighSurrogate(context[PrefixChars - 1]) ? PrefixChars - 1 : PrefixChars)];
        // Through UTF-8 and back: a lone surrogate becomes U+FFFD, which the JSON writer takes (design trap 18).
        var quoted = RawJson.FromString(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(prefix))).ToString();
        return string.Create(CultureInfo.InvariantCulture, $$"""
            You answer the user's request by writing JavaScript that runs in a persistent REPL.

            The REPL holds a variable `context`: a string of {{context.Length}} characters. You do NOT see the full context directly; read it with code. Its first {{PrefixChars}} characters (as JSON): {{quoted}}

            Functions in the REPL:
            - `print(...values)`, `console.log(...)`: output you see after the turn. It is cut at 4000 characters: print what you need, not the whole context.
            - `llm_query(prompt, context?)`: asks a language model and returns its answer as a string. Keep the prompt short (at most 10000 characters) and pass the data as the second argument. With data, a helper works through it in a REPL of its own.
            - `exec(command, timeout?)`: runs `sh -c command` (timeout in seconds, default 10) and returns `{stdout, stderr, exitCode}`; it may need the user's permission.
            - `FINAL(answer)`: ends the task with this answer.
            - `FINAL_VAR(name)`: ends the task with the value of the variable of that name.

            Code runs as async JavaScript: use `await` with `llm_query` and `exec`. The queries run one at a time, also inside `Promise.all`. Variables persist across turns.

            Example: split the context and ask about each part.
            ```js
            const parts = [];
            for (let i = 0; i < context.length; i += 50000) parts.push(context.slice(i, i + 50000));
            const notes = [];
            for (const part of parts) notes.push(await llm_query("List the dates mentioned.", part));
            print(notes.join("\n").slice(0, 2000));
            ```

            ## Response Format
            Respond with exactly one ```js code block per turn. Reasoning may come before the block; write nothing after the closing ```.

            ## Execution Feedback
            After each turn you receive <harness:repl_output> with <stdout> (what the code printed) and <error> (why it failed), or "(no output)". An answer that breaks the response format gets <harness:error> saying what to fix. Call FINAL or FINAL_VAR only when you have the answer.

            Write your first code block now.
            """);
    }
}

using LLama.Native;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>On a turn that may call a tool (toolChoice auto): the opener that hands the answer over to <see cref="Grammar"/>.</summary>
/// <param name="Text">The opener as text (<see cref="LocalToolFamilies.Opener"/>), what the parser reads.</param>
/// <param name="Token">The opener's token when the vocabulary has it as one (Qwen's <c>&lt;tool_call&gt;</c>, <c>&lt;|python_tag|&gt;</c>, <c>[TOOL_CALLS]</c>): control tokens decode to no text, so only the id tells.</param>
/// <param name="Grammar">The GBNF of the call(s) from right after the opener (<see cref="ToolCallGrammar.For"/> with <c>afterOpener</c>).</param>
/// <param name="Lead">Text the grammar lets the call start with (<see cref="ToolCallGrammar.Lead"/>).</param>
internal sealed record ToolCallOpener(string Text, LLamaToken? Token, string Grammar, string Lead)
{
    /// <summary>Whether the grammar can go on from text a token carried past the opener: nothing, or the optional lead.</summary>
    /// <remarks>Anything else would have to be taken back out of the KV cache; the call is then read as the model writes it, unconstrained.</remarks>
    public bool Continues(string rest) => rest.Length == 0 || rest == Lead;

    /// <summary>A watcher for one answer's tokens.</summary>
    public Watch Start() => new(this);

    /// <summary>Follows one answer's tokens until the opener is complete.</summary>
    internal sealed class Watch(ToolCallOpener opener)
    {
        // The end of the text so far that may be the start of the opener: the opener can span several tokens.
        private string _tail = "";

        /// <summary>
        /// Whether <paramref name="token"/> completes the opener; if so, <paramref name="text"/> becomes the text it
        /// completes it with (the opener's text for the opener's own token) and <paramref name="rest"/> the text the token
        /// carries past the opener's end.
        /// </summary>
        public bool Completes(LLamaToken token, ref string text, out string rest)
        {
            rest = "";
            if (token == opener.Token)
            {
                text = opener.Text;
                return true;
            }
            var written = _tail + text;
            var at = written.IndexOf(opener.Text, StringComparison.Ordinal);
            if (at >= 0)
            {
                rest = written[(at + opener.Text.Length)..];
                return true;
            }
            _tail = written.Length < opener.Text.Length ? written : written[^(opener.Text.Length - 1)..];
            return false;
        }
    }
}

using System.Globalization;
using Gateway.Server.Conversation;
using Gateway.Server.Providers.Local.Tools;

namespace Gateway.Server.Providers.Local;

/// <summary>Which tools a chat turn is offered, and how its answer is read and held to a call.</summary>
internal sealed partial class LocalModel
{
    private int _toolsLeftOutLogged;

    /// <summary>The turn's prompt, and when it offers tools, how its answer is read (<see cref="LocalToolTurn"/>).</summary>
    /// <remarks>
    /// Required or named: the prompt ends with the family's opener and the call grammar holds from the first token (a
    /// named tool is the only one offered, so the context stays for the conversation). Auto: every tool is offered if the
    /// model has a chat template and the prompt with them still leaves room for the whole answer (<paramref name="maxTokens"/>),
    /// and the grammar takes over once the model writes the opener; otherwise the turn runs without tools, as before. A model
    /// without a template (a base model) only continues text: an offer on every turn would bury the text it continues.
    /// </remarks>
    private (string Text, bool ParseSpecial, LocalToolTurn? Turn) FormatTurn(
        IReadOnlyList<ChatMessage> messages, TurnOptions options, IReadOnlyList<ToolDefinition> tools, int maxTokens)
    {
        var choice = options.ToolChoice;
        var family = _format.Family;
        var parallel = options.ParallelToolCalls == true;
        switch (choice.Mode)
        {
            case ToolChoiceMode.Required or ToolChoiceMode.Function:
                IReadOnlyList<ToolDefinition> offered = choice.Mode == ToolChoiceMode.Required ? tools : [.. tools.Where(t => t.Name == choice.FunctionName)];
                if (offered.Count == 0)
                {
                    break;
                }
                var begun = LocalToolPrompt.Begun(family);
                var (required, requiredSpecial) = _format.Format(messages, offered, begun);
                return (required, requiredSpecial, new LocalToolTurn(family, begun, ToolCallGrammar.For(family, offered, parallel)));
            // A structured response_format holds the whole answer, so an auto turn has no room to call (LocalModel.StartAsync).
            case ToolChoiceMode.Auto when tools.Count > 0 && _format.UsesTemplate && options.ResponseFormat is null:
                var (text, parseSpecial) = _format.Format(messages, tools);
                // Tokenized here only to measure it; the start tokenizes the chosen prompt again.
                var length = Tokenize(text, parseSpecial).Length;
                if (length + maxTokens <= ContextPerSequence)
                {
                    var opener = new ToolCallOpener(family.Opener(), _openerToken, ToolCallGrammar.For(family, tools, parallel, afterOpener: true), ToolCallGrammar.Lead(family));
                    return (text, parseSpecial, new LocalToolTurn(family, "", Grammar: null) { Opener = opener });
                }
                if (Interlocked.Exchange(ref _toolsLeftOutLogged, 1) == 0)
                {
                    _log.Debug(string.Create(CultureInfo.InvariantCulture,
                        $"Local model {Id}: tools are left out of a turn free to call them: its prompt with them ({length} tokens) and its answer ({maxTokens} tokens) do not fit in {ContextPerSequence} tokens. Logged once per model."));
                }
                break;
        }
        var (plain, plainSpecial) = _format.Format(messages);
        return (plain, plainSpecial, null);
    }
}

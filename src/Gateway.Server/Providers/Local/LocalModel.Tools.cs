using System.Globalization;
using Gateway.Server.Conversation;
using Gateway.Server.Providers.Local.Tools;
using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>Which tools a chat turn is offered, and how its answer is read and held to a call.</summary>
internal sealed partial class LocalModel
{
    private int _toolsLeftOutLogged;

    /// <summary>The turn's prompt, and when it offers tools, how its answer is read (<see cref="LocalToolTurn"/>).</summary>
    /// <remarks>
    /// Every tool is offered when the model has a chat template and the prompt with them still leaves room for the whole
    /// answer (<paramref name="maxTokens"/>); the turns of an agent loop then share the offer, so each finds the last one's
    /// KV cache (a model without a template, a base model, only continues text: an offer would bury what it continues).
    /// Required or named: the prompt ends with the family's opener and the call grammar holds from the first token, narrowed
    /// to the named tool; when all of them do not fit, the named one alone is offered. Auto: the grammar takes over once the
    /// model writes the opener; when the tools do not fit, the turn runs without them, as the same request without tools
    /// would. A structured response_format holds an auto turn's whole answer, so it is offered no tools: it could not call.
    /// </remarks>
    private (LLamaToken[] Prompt, LocalToolTurn? Turn) FormatTurn(
        IReadOnlyList<ChatMessage> messages, TurnOptions options, IReadOnlyList<ToolDefinition> tools, int maxTokens)
    {
        var choice = options.ToolChoice;
        var family = _format.Family;
        var parallel = options.ParallelToolCalls == true;
        switch (choice.Mode)
        {
            case ToolChoiceMode.Required or ToolChoiceMode.Function:
                IReadOnlyList<ToolDefinition> callable = choice.Mode == ToolChoiceMode.Required ? tools : [.. tools.Where(t => t.Name == choice.FunctionName)];
                if (callable.Count == 0)
                {
                    break;
                }
                var begun = LocalToolPrompt.Begun(family);
                var grammar = ToolCallGrammar.For(family, callable, parallel);
                if (_format.UsesTemplate && Fits(messages, tools, begun, maxTokens) is { } all)
                {
                    return (all, new LocalToolTurn(family, begun, grammar));
                }
                return (Tokenize(_format.Format(messages, callable, begun)), new LocalToolTurn(family, begun, grammar));
            case ToolChoiceMode.Auto when tools.Count > 0 && _format.UsesTemplate && options.ResponseFormat is null:
                if (Fits(messages, tools, "", maxTokens) is { } offered)
                {
                    var opener = new ToolCallOpener(family.Opener(), _openerToken, ToolCallGrammar.For(family, tools, parallel, afterOpener: true), ToolCallGrammar.Lead(family));
                    return (offered, new LocalToolTurn(family, "", Grammar: null) { Opener = opener });
                }
                break;
        }
        return (Tokenize(_format.Format(messages)), null);
    }

    /// <summary>The tokens of the prompt offering <paramref name="tools"/>, when they leave room for an answer of <paramref name="maxTokens"/>.</summary>
    private LLamaToken[]? Fits(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition> tools, string begun, int maxTokens)
    {
        var prompt = Tokenize(_format.Format(messages, tools, begun));
        var length = prompt.Length;
        if (length + maxTokens <= ContextPerSequence)
        {
            return prompt;
        }
        if (Interlocked.Exchange(ref _toolsLeftOutLogged, 1) == 0)
        {
            _log.Debug(string.Create(CultureInfo.InvariantCulture,
                $"Local model {Id}: a prompt offering every tool ({length} tokens) and its answer ({maxTokens} tokens) do not fit in {ContextPerSequence} tokens, so the tools are left out (or, when a call is required, only the tools it may use are offered). Logged once per model."));
        }
        return null;
    }
}

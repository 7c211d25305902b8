using System.Text;
using Gateway.Server.Conversation;
using Gateway.Server.Providers.Local.Tools;
using LLama;
using LLama.Exceptions;

namespace Gateway.Server.Providers.Local;

/// <summary>How one model's prompts are written: its own chat template, or plain text when it has none.</summary>
/// <remarks>
/// The template is the GGUF's <c>tokenizer.chat_template</c>, applied by llama.cpp's
/// <c>llama_chat_apply_template</c> (through <see cref="LLamaTemplate"/>), which recognises its built-in
/// formats (ChatML, Llama 2/3, Gemma, Phi, Mistral, …) from the template text; it does not run arbitrary
/// Jinja. A model without a template (a base model such as stories260K), or with one llama.cpp does not
/// recognise, gets the messages' text joined by newlines with no role labels, so it simply continues the
/// text. Note that <see cref="LLamaTemplate"/> given no template at all would silently use ChatML, hence the
/// explicit check.
/// Text parts are used as they are and a textual document (a tool's read of a source file) as its text; an image or
/// a binary document is replaced by a note saying it was left out, so the model is not left to answer as if it had
/// seen it. Tools, calls and results are written in the model's tool family's syntax (<see cref="LocalToolPrompt"/>).
/// </remarks>
internal sealed class LocalPromptFormat
{
    /// <summary>End-of-turn and start-of-turn markers of the common templates; those a template contains stop generation.</summary>
    /// <remarks>Models normally end a turn with an end-of-generation token, which the decode loop checks first; these catch markers generated as plain text.</remarks>
    private static readonly string[] s_turnMarkers =
    [
        "<|im_end|>", "<|im_start|>", "<|eot_id|>", "<|start_header_id|>", "<|end|>", "<|user|>", "<|assistant|>",
        "<end_of_turn>", "<start_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<|END_OF_TURN_TOKEN|>", "</s>",
    ];

    private readonly string? _template;

    private LocalPromptFormat(string? template)
    {
        _template = template;
        Family = LocalToolFamilies.Detect(template);
        StopStrings = template is null ? [] : [.. s_turnMarkers.Where(m => template.Contains(m, StringComparison.Ordinal))];
    }

    /// <summary>How the model writes tool calls, told by its template.</summary>
    public LocalToolFamily Family { get; }

    /// <summary>False when prompts are plain text.</summary>
    public bool UsesTemplate => _template is not null;

    /// <summary>Text that ends generation where it appears (the template's turn markers).</summary>
    public IReadOnlyList<string> StopStrings { get; }

    /// <param name="template">The GGUF's chat template, or null when it has none.</param>
    /// <param name="unsupported">Set when a template exists but llama.cpp does not recognise it (the caller logs it).</param>
    public static LocalPromptFormat Create(string? template, out bool unsupported)
    {
        unsupported = false;
        if (template is null)
        {
            return new LocalPromptFormat(null);
        }
        var format = new LocalPromptFormat(template);
        try
        {
            format.Format([ChatMessage.User("probe")]);
            return format;
        }
        catch (MissingTemplateException)
        {
            unsupported = true;
            return new LocalPromptFormat(null);
        }
    }

    /// <summary>The prompt text, and whether special tokens in it (template markers) are to be parsed as such.</summary>
    /// <param name="offered">Tools to offer in the prompt, in the family's words (none: the model is not told of any).</param>
    /// <param name="begun">Text the answer starts with (a required call's opener), written after the assistant's header.</param>
    public (string Text, bool ParseSpecial) Format(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition>? offered = null, string begun = "")
    {
        var turns = Turns(messages, offered ?? []);
        if (_template is null)
        {
            // User text is never parsed for special tokens: a prompt cannot forge control tokens.
            return (string.Join('\n', turns.Select(turn => turn.Text).Where(text => text.Length > 0)) + begun, false);
        }

        var template = new LLamaTemplate(_template) { AddAssistant = true };
        foreach (var (role, text) in turns)
        {
            template.Add(role, text);
        }
        // The template's markers (<|im_start|> …) must become their special tokens, as llama-server does.
        return (Encoding.UTF8.GetString(template.Apply()) + begun, true);
    }

    /// <summary>The messages as the template's (role, text) turns: tools offered, calls and results in the family's syntax.</summary>
    private List<(string Role, string Text)> Turns(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition> offered)
    {
        var turns = new List<(string Role, string Text)>(messages.Count + 1);
        // The turns that hold a user's own words (Mistral's tool results are user turns too).
        var (firstUser, lastUser) = (-1, -1);
        var results = -1; // The turn that holds the latest tool result.
        foreach (var message in messages)
        {
            var text = PromptText(message);
            switch (message.Role)
            {
                case ChatRole.Assistant:
                    if (message.ToolCalls.Count > 0)
                    {
                        text = text.Length == 0 ? LocalToolPrompt.Calls(Family, message.ToolCalls) : text + "\n" + LocalToolPrompt.Calls(Family, message.ToolCalls);
                    }
                    if (text.Length > 0)
                    {
                        turns.Add(("assistant", text));
                    }
                    break;
                case ChatRole.Tool:
                    var result = LocalToolPrompt.Result(Family, message.ToolCallId ?? "", text);
                    if (results == turns.Count - 1 && result.Role == "user")
                    {
                        // Results of one turn's calls share a user turn, as Qwen 2.5's and Mistral's templates write them.
                        turns[results] = (result.Role, turns[results].Text + (Family == LocalToolFamily.Mistral ? "" : "\n") + result.Text);
                        break;
                    }
                    results = turns.Count;
                    turns.Add(result);
                    break;
                default:
                    if (message.Role == ChatRole.User)
                    {
                        lastUser = turns.Count;
                        firstUser = firstUser < 0 ? lastUser : firstUser;
                    }
                    turns.Add((RoleName(message.Role), text));
                    break;
            }
        }
        if (offered.Count > 0)
        {
            Offer(turns, LocalToolPrompt.Offer(Family, offered), Family switch
            {
                // Llama 3.1's template puts custom tools before the first user's words (tools_in_user_message), Mistral's before the last's.
                LocalToolFamily.Llama3 => firstUser,
                LocalToolFamily.Mistral => lastUser,
                _ => -1,
            });
        }
        return turns;
    }

    /// <summary>Puts the offer before the words of the user turn <paramref name="user"/>, or else in the system message (Hermes, the fallback).</summary>
    private static void Offer(List<(string Role, string Text)> turns, string offer, int user)
    {
        if (user >= 0)
        {
            turns[user] = ("user", offer + turns[user].Text);
        }
        else if (turns.Count > 0 && turns[0].Role == "system")
        {
            turns[0] = ("system", turns[0].Text + "\n\n" + offer);
        }
        else
        {
            turns.Insert(0, ("system", offer));
        }
    }

    /// <summary>A message's content as the text a text-only model can read (see remarks).</summary>
    private static string PromptText(ChatMessage message)
    {
        if (ProviderJson.IsAllText(message.Content))
        {
            return message.Text;
        }
        // One part a line: a note or a document's text is not glued to the words around it.
        return string.Join('\n', message.Content.Select(part => part switch
        {
            { Kind: ContentPartKind.Text } => part.Text,
            { Kind: ContentPartKind.Document } when ProviderJson.TextOfDocument(part) is { } document => document,
            { Kind: ContentPartKind.Image } => $"[an image ({part.MediaType ?? part.Url}) was left out: this model reads text only]",
            _ => $"[a document ({part.MediaType}) was left out: this model reads text only]",
        }));
    }

    private static string RoleName(ChatRole role) => role == ChatRole.System ? "system" : "user";
}

using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Local.Tools;

namespace Gateway.IntegrationTests.Local;

/// <summary>Prompts through llama.cpp's template support, and the plain-text fallback.</summary>
public sealed class LocalPromptFormatTests
{
    /// <summary>successor-tiny's template (gen_tiny_llama_gguf.py): ChatML written as Jinja.</summary>
    internal const string ChatMl =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private static readonly ChatMessage[] Conversation =
    [
        ChatMessage.System("Be brief."),
        ChatMessage.User("Hi"),
        ChatMessage.Assistant("", [new ToolCallRequest("c1", "bash", Gateway.Tools.RawJson.EmptyObject)]),
        ChatMessage.ToolResult("c1", [ContentPart.FromText("ok")]),
        ChatMessage.Assistant("Hello!", []),
        ChatMessage.User("Bye"),
    ];

    /// <summary>Llama 3.1's template cut to what llama.cpp and the family detection read: its headers and the ipython role.</summary>
    private const string Llama31 =
        "{{- bos_token }}{%- for message in messages %}{%- if message.role == 'tool' or message.role == 'ipython' %}{{- '<|start_header_id|>ipython<|end_header_id|>\n\n' + message.content + '<|eot_id|>' }}"
        + "{%- else %}{{- '<|start_header_id|>' + message.role + '<|end_header_id|>\n\n' + message.content | trim + '<|eot_id|>' }}{%- endif %}{%- endfor %}"
        + "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{%- endif %}";

    /// <summary>Mistral v3's template cut the same way: its [INST] turns, its tool list and its calls.</summary>
    private const string MistralV3 =
        "{{- bos_token }}{%- for message in messages %}{%- if message.role == 'user' %}{%- if tools is not none and (message == user_messages[-1]) %}{{- '[AVAILABLE_TOOLS] [' }}{{- tools | tojson }}{{- '][/AVAILABLE_TOOLS]' }}{%- endif %}"
        + "{{- '[INST] ' + message.content + '[/INST]' }}{%- elif message.tool_calls is defined %}{{- '[TOOL_CALLS] [' }}{{- message.tool_calls | tojson }}{{- ']' + eos_token }}"
        + "{%- elif message.role == 'tool' %}{{- '[TOOL_RESULTS] {\"content\": ' + message.content | tojson + '}[/TOOL_RESULTS]' }}{%- else %}{{- ' ' + message.content + eos_token }}{%- endif %}{%- endfor %}";

    private static readonly ToolDefinition[] s_now = [new("now", "The time.", Gateway.Tools.RawJson.Parse("""{"type":"object"}"""))];

    private const string NowJson = """{"type":"function","function":{"name":"now","description":"The time.","parameters":{"type":"object"}}}""";

    /// <summary>Compares prompts so that a failure shows where the text differs.</summary>
    private static readonly IEqualityComparer<(string, bool)> s_textAndFlag = EqualityComparer<(string, bool)>.Create((a, b) =>
    {
        Assert.Equal(a.Item1, b.Item1);
        return a.Item2 == b.Item2;
    });

    public LocalPromptFormatTests() => LlamaNativeLibrary.EnsureConfigured(GatewayLog.Silent); // Templates are applied by llama.cpp.

    [Fact]
    public void ARecognisedTemplateFormatsEveryTextMessageAndOpensTheAssistantTurn()
    {
        var format = LocalPromptFormat.Create(ChatMl, out var unsupported);

        Assert.False(unsupported);
        Assert.True(format.UsesTemplate);
        Assert.Equal(
            ("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"bash\", \"arguments\": {}}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\nok\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n", true),
            format.Format(Conversation));
        Assert.Equal(["<|im_end|>", "<|im_start|>"], format.StopStrings);
    }

    [Fact]
    public void ARequiredCallOffersTheToolsInTheSystemMessageAndOpensTheCall()
    {
        var format = LocalPromptFormat.Create(ChatMl, out _);
        Assert.Equal(
            ("<|im_start|>system\nBe brief.\n\nTools: <tools>" + NowJson + "\n</tools>\n"
                + "To call one, answer only <tool_call>\n{\"name\": <tool name>, \"arguments\": <arguments object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<tool_call>\n", true),
            format.Format([ChatMessage.System("Be brief."), ChatMessage.User("Hi")], s_now, "<tool_call>\n"));
    }

    [Fact]
    public void OneTurnsCallsAreReplayedTogetherAndTheirResultsShareAUserTurn()
    {
        var format = LocalPromptFormat.Create(ChatMl, out _);
        ChatMessage[] conversation =
        [
            ChatMessage.User("Hi"),
            ChatMessage.Assistant("Two.", [new ToolCallRequest("c1", "now", Gateway.Tools.RawJson.EmptyObject), new ToolCallRequest("c2", "now", Gateway.Tools.RawJson.EmptyObject)]),
            ChatMessage.ToolResult("c1", [ContentPart.FromText("noon")]),
            ChatMessage.ToolResult("c2", [ContentPart.FromText("12:00")]),
        ];

        // As Qwen 2.5's template writes them: one <tool_call> block per call, every result of the turn in one user turn.
        Assert.Equal(
            ("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nTwo.\n<tool_call>\n{\"name\": \"now\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"now\", \"arguments\": {}}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\nnoon\n</tool_response>\n<tool_response>\n12:00\n</tool_response><|im_end|>\n<|im_start|>assistant\n", true),
            format.Format(conversation), s_textAndFlag);
    }

    [Fact]
    public void WithoutTemplateTheMessagesTextIsThePromptWithoutRoles()
    {
        var format = LocalPromptFormat.Create(null, out var unsupported);

        Assert.False(unsupported);
        Assert.False(format.UsesTemplate);
        Assert.Equal(("Be brief.\nHi\n<tool_call>\n{\"name\": \"bash\", \"arguments\": {}}\n</tool_call>\n<tool_response>\nok\n</tool_response>\nHello!\nBye", false), format.Format(Conversation));
        Assert.Equal(("Once upon a time", false), format.Format([ChatMessage.User("Once upon a time")]));
        Assert.Empty(format.StopStrings);
    }

    [Fact]
    public void ATextualDocumentIsReadAndAnImageOrBinaryDocumentIsNamedAsLeftOut()
    {
        var format = LocalPromptFormat.Create(null, out _);
        var readme = Convert.ToBase64String("# Readme\nHello"u8.ToArray());
        var message = new ChatMessage(ChatRole.User,
        [
            ContentPart.FromText("Compare:"),
            new ContentPart(ContentPartKind.Document, MediaType: "text/markdown", Data: readme),
            new ContentPart(ContentPartKind.Image, MediaType: "image/png", Data: "iVBORw0KGgo="),
            new ContentPart(ContentPartKind.Image, Url: "https://example.com/cat.png"),
            new ContentPart(ContentPartKind.Document, MediaType: "application/pdf", Data: "JVBERi0x"),
        ], []);

        Assert.Equal(
            (string.Join('\n',
                "Compare:",
                "# Readme\nHello",
                "[an image (image/png) was left out: this model reads text only]",
                "[an image (https://example.com/cat.png) was left out: this model reads text only]",
                "[a document (application/pdf) was left out: this model reads text only]"), false),
            format.Format([message]));
    }

    [Fact]
    public void ATemplateLlamaCppDoesNotRecogniseFallsBackToPlainText()
    {
        var format = LocalPromptFormat.Create("{{ messages | tojson }}", out var unsupported);

        Assert.True(unsupported);
        Assert.False(format.UsesTemplate);
        Assert.Equal(("Hi", false), format.Format([ChatMessage.User("Hi")]));
    }

    [Fact]
    public void Llama31OffersToolsBeforeTheFirstUsersWordsAndTakesResultsAsIpython()
    {
        var format = LocalPromptFormat.Create(Llama31, out var unsupported);

        Assert.False(unsupported);
        Assert.Equal(LocalToolFamily.Llama3, format.Family);
        Assert.Equal(
            ("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\n" + LocalToolPrompt.Offer(LocalToolFamily.Llama3, s_now) + "Hi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"bash\", \"parameters\": {}}<|eot_id|>"
                + "<|start_header_id|>ipython<|end_header_id|>\n\nok<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", true),
            format.Format(Conversation, s_now), s_textAndFlag);
    }

    [Fact]
    public void MistralOffersToolsBeforeTheLastUsersWordsAndNamesCallsByNineCharacterIds()
    {
        var format = LocalPromptFormat.Create(MistralV3, out var unsupported);
        ChatMessage[] conversation =
        [
            ChatMessage.User("Hi"),
            ChatMessage.Assistant("", [new ToolCallRequest("call_1", "now", Gateway.Tools.RawJson.EmptyObject), new ToolCallRequest("call_2", "now", Gateway.Tools.RawJson.EmptyObject)]),
            ChatMessage.ToolResult("call_1", [ContentPart.FromText("noon")]),
            ChatMessage.ToolResult("call_2", [ContentPart.FromText("12:00")]),
        ];
        var (first, second) = (LocalToolPrompt.MistralId("call_1"), LocalToolPrompt.MistralId("call_2"));

        Assert.False(unsupported);
        Assert.Equal(LocalToolFamily.Mistral, format.Family);
        Assert.Equal(
            ("[INST] [AVAILABLE_TOOLS] [" + NowJson + "][/AVAILABLE_TOOLS]Hi[/INST]"
                // llama.cpp's mistral-v3 writes a space before every assistant turn's content.
                + $$""" [TOOL_CALLS] [{"name": "now", "arguments": {}, "id": "{{first}}"}, {"name": "now", "arguments": {}, "id": "{{second}}"}]</s>"""
                + $$"""[INST] [TOOL_RESULTS] {"content": "noon", "call_id": "{{first}}"}[/TOOL_RESULTS][TOOL_RESULTS] {"content": "12:00", "call_id": "{{second}}"}[/TOOL_RESULTS][/INST]""", true),
            format.Format(conversation, s_now), s_textAndFlag);
    }
}

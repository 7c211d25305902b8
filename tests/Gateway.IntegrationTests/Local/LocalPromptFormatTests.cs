using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers.Local;

namespace Gateway.IntegrationTests.Local;

/// <summary>Prompts through llama.cpp's template support, and the plain-text fallback.</summary>
public sealed class LocalPromptFormatTests
{
    /// <summary>successor-tiny's template (gen_tiny_llama_gguf.py): ChatML written as Jinja.</summary>
    private const string ChatMl =
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
        ToolDefinition[] tools = [new("now", "The time.", Gateway.Tools.RawJson.Parse("""{"type":"object"}"""))];

        Assert.Equal(
            ("<|im_start|>system\nBe brief.\n\nTools: <tools>{\"type\":\"function\",\"function\":{\"name\":\"now\",\"description\":\"The time.\",\"parameters\":{\"type\":\"object\"}}}\n</tools>\n"
                + "To call one, answer only <tool_call>\n{\"name\": <tool name>, \"arguments\": <arguments object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<tool_call>\n", true),
            format.Format([ChatMessage.System("Be brief."), ChatMessage.User("Hi")], tools, "<tool_call>\n"));
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
}

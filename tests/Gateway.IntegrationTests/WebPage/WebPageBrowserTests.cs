using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;
using Gateway.Server.Conversation;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.WebPage.BrowserFixture;

namespace Gateway.IntegrationTests.WebPage;

/// <summary>The web page (issue 19) in a real browser against a real gateway: streaming, relays, the agent tree, a dropped stream, injection.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebPageBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task AChatWithSuccessorTinyStreamsItsKnownAnswer()
    {
        await using var local = LocalModelFiles.Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local], defaultModel: LocalModelFiles.Successor);
        var page = await OpenAsync(host);
        await Screenshots.SaveAsync(page, "empty");
        Assert.Equal(LocalModelFiles.Successor, await page.Locator("#model").InputValueAsync());

        await SendAsync(page, "Say the alphabet.");

        var alphabet = string.Concat(Enumerable.Range('A', '~' - 'A' + 1).Select(c => (char)c));
        await Assertions.Expect(page.Locator(".run .turn")).ToHaveTextAsync(alphabet);
        await Assertions.Expect(page.Locator(".run .end")).ToHaveTextAsync("Finished");
        // As LocalChatTests counts them: <s>, "▁", then one token per character of the ChatML prompt.
        var prompt = "<|im_start|>user\nSay the alphabet.<|im_end|>\n<|im_start|>assistant\n";
        await Assertions.Expect(page.Locator(".run > .usage")).ToHaveTextAsync($"Total: {2 + prompt.Length} tokens in · 62 out");
        await Screenshots.SaveAsync(page, "answer");
    }

    [Fact]
    public async Task RelaysAreApprovedDeniedAndApprovedAlwaysFromTheirCards()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"one"}"""))
            .ThenCalls(Call("c2", "echo", """{"text":"rm -rf /"}"""))
            .ThenCalls(Call("c3", "echo", """{"text":"same"}"""))
            .ThenCalls(Call("c4", "echo", """{"text":"same"}"""))
            .ThenText("all **done**");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var page = await OpenAsync(host);
        await SendAsync(page, "echo things");

        var cards = page.Locator(".relay");
        await Assertions.Expect(cards).ToHaveCountAsync(1);
        await Assertions.Expect(cards.Nth(0)).ToContainTextAsync("Allow echo?");
        await Assertions.Expect(cards.Nth(0)).ToContainTextAsync("""Approve always adds: {"tool":"echo","params":{"text":"one"}}""");
        await Assertions.Expect(cards.Nth(0)).ToContainTextAsync("times out in 10:00");
        await Screenshots.SaveAsync(page, "relay");
        await cards.Nth(0).GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(cards.Nth(0).Locator(".outcome")).ToHaveTextAsync("approved");

        await Assertions.Expect(cards).ToHaveCountAsync(2);
        await Assertions.Expect(cards.Nth(1)).ToContainTextAsync("""{"tool":"echo","params":{"text":"rm **"}}""");
        await cards.Nth(1).GetByLabel("Reason (optional)").FillAsync("not that");
        await cards.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await Assertions.Expect(cards.Nth(1).Locator(".outcome")).ToHaveTextAsync("denied");
        await Assertions.Expect(page.Locator(".tool").Nth(1).Locator(".denied")).ToHaveTextAsync("Denied: not that");

        // The third card has the focus when it arrives; Shift+A is its "Approve always" key.
        await Assertions.Expect(cards).ToHaveCountAsync(3);
        await Assertions.Expect(cards.Nth(2)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+A");
        await Assertions.Expect(cards.Nth(2).Locator(".outcome")).ToHaveTextAsync("approved always");

        // The fourth call matches the rule "always" added: it runs without a card.
        await Assertions.Expect(page.Locator(".run .turn").Last).ToHaveTextAsync("all done");
        await Assertions.Expect(page.Locator(".run strong")).ToHaveTextAsync("done");
        await Assertions.Expect(cards).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator(".tool")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator(".tool").Nth(3).Locator(".result pre")).ToHaveTextAsync("echo: same");
        Assert.Equal(3, host.Model.Requests.Last().Messages.Count(m => m.Text?.StartsWith("echo: ", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task ARelayAnsweredByAnotherClientSettlesItsCard()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"one"}"""), Call("c2", "echo", """{"text":"two"}"""))
            .ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var page = await OpenAsync(host);
        await SendAsync(page, "echo twice");
        await Assertions.Expect(page.Locator(".relay")).ToHaveCountAsync(1);
        var card = page.Locator(".relay").First;

        var relayId = await card.GetAttributeAsync("data-relay-id");
        var sessionId = await page.Locator(".run").GetAttributeAsync("data-session-id");
        await host.AnswerAsync(relayId!, sessionId!, """{"approved":true}""");
        await Assertions.Expect(card.Locator(".outcome")).ToHaveTextAsync("approved elsewhere");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true })).ToBeDisabledAsync();

        var second = page.Locator(".relay").Nth(1);
        await Assertions.Expect(second).ToContainTextAsync("two");
        await host.AnswerAsync((await second.GetAttributeAsync("data-relay-id"))!, sessionId!, """{"approved":false,"reason":"from curl"}""");
        await Assertions.Expect(second.Locator(".outcome")).ToHaveTextAsync("denied: from curl");
        await Assertions.Expect(page.Locator(".run .turn")).ToHaveTextAsync("ok");
    }

    [Fact]
    public async Task WithKeysThePageAsksForOneAndSendsItAsABearerToken()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("keyed answer"), apiKeys: ["sesame"]);
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://{host.Host.EndPoint}/");
        await page.Locator("body[data-ready=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("#key-message")).ToContainTextAsync("401 Unauthorized");
        await Assertions.Expect(page.GetByLabel("API key", new() { Exact = true })).ToBeFocusedAsync();

        await page.GetByLabel("API key", new() { Exact = true }).FillAsync("wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Unauthorized: enter the API key.");
        await page.GetByLabel("API key", new() { Exact = true }).FillAsync("sesame");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#key-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#model")).ToHaveValueAsync("test-model");

        await SendAsync(page, "hi");
        await Assertions.Expect(page.Locator(".run .turn")).ToHaveTextAsync("keyed answer");
        Assert.Equal("sesame", await page.EvaluateAsync<string>("sessionStorage.getItem('gateway.apiKey')"));
    }

    [Fact]
    public async Task ASubagentAppearsUnderTheToolCallOfItsParent()
    {
        await using var host = await ChatTestHost.StartAsync(SubagentThatEchoes(), new TestToolRegistry());
        var page = await OpenAsync(host);
        // Both tools allowed from the page's permission editor, so nothing asks.
        foreach (var tool in new[] { "agent", "echo" })
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
            await page.Locator("#rules li").Last.GetByLabel("Tool").FillAsync(tool);
            await page.Locator("#rules li").Last.GetByLabel("Tool").BlurAsync();
        }
        await SendAsync(page, "go");

        var agentCall = page.Locator(".tool[data-tool-call-id$='/a1']");
        var subagent = agentCall.Locator(".children > .agent");
        await Assertions.Expect(subagent).ToHaveCountAsync(1);
        await Assertions.Expect(subagent.Locator(".agent-head")).ToHaveTextAsync("Subagent (depth 1)");
        await Assertions.Expect(subagent.Locator(".tool .tool-name")).ToHaveTextAsync("echo");
        await Assertions.Expect(subagent.Locator(".turn")).ToHaveTextAsync("found it");
        await Assertions.Expect(agentCall.Locator(":scope > .result pre")).ToHaveTextAsync("found it");
        await Assertions.Expect(page.Locator(".run > .agent > div > .turn")).ToHaveTextAsync("all done");
        Assert.Empty(await page.Locator(".relay").AllAsync());
        await Screenshots.SaveAsync(page, "subagent");
    }

    [Fact]
    public async Task UnderAPrefixADroppedStreamIsShownInPlaceAndTheReloadedPageWorks()
    {
        var model = new ScriptedModelProvider().ThenHang("partial answer").ThenText("after the reload");
        await using var host = await ChatTestHost.StartAsync(model);
        await using var proxy = new PrefixProxy(host.Host.EndPoint, "/gw");
        var page = await browser.OpenAsync(proxy.Root.ToString());
        await SendAsync(page, "hello");
        await Assertions.Expect(page.Locator(".run .turn")).ToHaveTextAsync("partial answer");

        proxy.DropAll();

        await Assertions.Expect(page.Locator(".run .error")).ToContainTextAsync("The stream broke off");
        await WithinAsync(Patience, () => host.SessionsGone, "the gateway saw its client leave and ended the session");
        await Assertions.Expect(page.Locator("#send")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#prompt")).ToBeEditableAsync();

        await page.ReloadAsync();
        await page.Locator("body[data-ready=true]").WaitForAsync();
        await SendAsync(page, "again");
        await Assertions.Expect(page.Locator(".run .turn")).ToHaveTextAsync("after the reload");
    }

    [Fact]
    public async Task AttachedFilesGoAsImageAndDocumentParts()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("seen"));
        var page = await OpenAsync(host);
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];
        var pdf = "%PDF-1.4 tiny"u8.ToArray();
        await page.Locator("#files").SetInputFilesAsync(new FilePayload[]
        {
            new() { Name = "dot.png", MimeType = "image/png", Buffer = png },
            new() { Name = "note.pdf", MimeType = "application/pdf", Buffer = pdf },
        });
        await Assertions.Expect(page.Locator("#attachments li")).ToHaveCountAsync(2);
        await SendAsync(page, "look");
        await Assertions.Expect(page.Locator(".run .turn")).ToHaveTextAsync("seen");

        var parts = host.Model.Requests.Single().Messages.Single().Content;
        Assert.Equal(
            [(ContentPartKind.Text, "look", null, null), (ContentPartKind.Image, null, "image/png", Convert.ToBase64String(png)), (ContentPartKind.Document, null, "application/pdf", Convert.ToBase64String(pdf))],
            parts.Select(p => (p.Kind, p.Text, p.MediaType, p.Data)));
        await Assertions.Expect(page.Locator("#attachments li")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ModelTextWithMarkupRendersAsText()
    {
        const string hostile = """<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2; alert(2)"> [click](javascript:alert(3)) `<b>code</b>`""";
        var model = new ScriptedModelProvider().ThenText(hostile);
        await using var host = await ChatTestHost.StartAsync(model);
        var page = await OpenAsync(host);
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        await SendAsync(page, "be nasty");

        var turn = page.Locator(".run .turn");
        await Assertions.Expect(turn).ToContainTextAsync("<script>window.pwned = 1</script>");
        await Assertions.Expect(turn).ToContainTextAsync("""<img src=x onerror="window.pwned = 2; alert(2)">""");
        await Assertions.Expect(turn.Locator("code")).ToHaveTextAsync("<b>code</b>");
        Assert.Equal(0, await page.EvaluateAsync<int>("document.querySelectorAll('.run script, .run img, .run b, .run a, .run iframe').length"));
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.pwned"));
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task OnAPhoneTheSidePanelsGoBelowTheChat()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("Short answer."));
        var page = await browser.OpenAsync($"http://{host.Host.EndPoint}/", width: 390, height: 844);
        await SendAsync(page, "hi");
        await Assertions.Expect(page.Locator(".run .turn")).ToHaveTextAsync("Short answer.");
        var main = await page.Locator("main").BoundingBoxAsync();
        var aside = await page.Locator("aside").BoundingBoxAsync();
        Assert.True(aside!.Y >= main!.Y + main.Height - 1, $"aside at {aside.Y}, main ends at {main.Y + main.Height}");
        Assert.True(main.Width <= 390);
        await Screenshots.SaveAsync(page, "phone");
    }

    [Fact]
    public async Task AxeFindsNoWcagViolationWithARelayCardAndAnAnswerShown()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"one"}"""))
            .ThenText("# Result\n\nSome *markdown* with `code` and a [link](https://example.com).\n\n- one\n- two");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var page = await OpenAsync(host);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await SendAsync(page, "check");
        await Assertions.Expect(page.Locator(".relay")).ToHaveCountAsync(1);
        AssertNoViolations(await page.RunAxe(s_wcag));

        await page.Locator(".relay").GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".run h1")).ToHaveTextAsync("Result");
        AssertNoViolations(await page.RunAxe(s_wcag));
    }

    private static readonly AxeRunOptions s_wcag = new() { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } };

    private static void AssertNoViolations(AxeResult result)
    {
        Assert.True(result.Passes.Length > 10, $"axe checked only {result.Passes.Length} rules"); // It ran, under the page's CSP.
        Assert.True(result.Violations.Length == 0, string.Join("\n", result.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
    }

    private Task<IPage> OpenAsync(ChatTestHost host) => browser.OpenAsync($"http://{host.Host.EndPoint}/");
}

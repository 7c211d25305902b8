using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Sse;
using Microsoft.Playwright;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.WebPage.BrowserFixture;

namespace Gateway.IntegrationTests.WebPage;

/// <summary>The web page following a run across a reload and a cut stream, when the gateway numbers its events (SPEC §9).</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebPageResumeTests(BrowserFixture browser)
{
    private static readonly ResumeOptions s_resume = new() { Grace = TimeSpan.FromSeconds(30) };

    /// <summary>A relayed echo call, then the answer: the run waits on its card for as long as the test likes.</summary>
    private static ScriptedModelProvider RelayThenAnswer() => new ScriptedModelProvider()
        .ThenCalls(Call("c1", "echo", """{"text":"one"}"""))
        .ThenText("all **done**");

    [Fact]
    public async Task AReloadedPageDrawsTheWholeRunAgainAndFollowsItLiveToTheEnd()
    {
        await using var host = await ChatTestHost.StartAsync(RelayThenAnswer(), new TestToolRegistry(), resume: s_resume);
        var page = await browser.OpenAsync($"http://{host.Host.EndPoint}/");
        await SendAsync(page, "echo it");
        await Assertions.Expect(page.Locator(".relay")).ToHaveCountAsync(1);
        var sessionId = await page.Locator(".run").GetAttributeAsync("data-session-id");

        await page.ReloadAsync();
        await page.Locator("body[data-ready=true]").WaitForAsync();

        await Assertions.Expect(page.Locator(".message.user")).ToHaveTextAsync("echo it");
        await Assertions.Expect(page.Locator(".run")).ToHaveAttributeAsync("data-session-id", sessionId!);
        var card = page.Locator(".relay");
        await Assertions.Expect(card).ToContainTextAsync("Allow echo?");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".run .turn").Last).ToHaveTextAsync("all done");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Done.");
        // Every event drawn once: one run, one agent, one call with its card and result, two turns' usage, one end.
        await Assertions.Expect(page.Locator(".run")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".agent")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".relay")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".tool")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".tool .result pre")).ToHaveTextAsync("echo: one");
        await Assertions.Expect(page.Locator(".agent .usage")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".run .end")).ToHaveCountAsync(1);
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('gateway.run')"));

        // The conversation goes on from the resumed run: its answer is history for the next message.
        host.Model.ThenText("second");
        await SendAsync(page, "again");
        await Assertions.Expect(page.Locator(".run .turn").Last).ToHaveTextAsync("second");
        Assert.Contains(host.Model.Requests.Last().Messages, m => m.Role == ChatRole.Assistant && m.Text == "all **done**");
    }

    [Fact]
    public async Task ACutStreamIsPickedUpAfterItsLastEventWithANote()
    {
        await using var host = await ChatTestHost.StartAsync(RelayThenAnswer(), new TestToolRegistry(), resume: s_resume);
        await using var proxy = new PrefixProxy(host.Host.EndPoint, "/gw");
        var page = await browser.OpenAsync(proxy.Root.ToString());
        await SendAsync(page, "echo it");
        await Assertions.Expect(page.Locator(".relay")).ToHaveCountAsync(1);

        proxy.DropAll();

        await Assertions.Expect(page.Locator(".run > .hint")).ToContainTextAsync("The connection dropped: reconnecting after event");
        // The card still answers (through the proxy too); the rest of the run comes only if the page reads again.
        await page.Locator(".relay").GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".run .turn").Last).ToHaveTextAsync("all done");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Done.");
        await Assertions.Expect(page.Locator(".relay")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".tool")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".run .end")).ToHaveCountAsync(1);
        Assert.Empty(await page.Locator(".run .error").AllAsync());
    }
}

using Microsoft.Playwright;

namespace Gateway.IntegrationTests.WebPage;

/// <summary>
/// One headless Debian chromium (/usr/bin/chromium, installed by .ci/run) for the browser tests, each of which takes a
/// fresh context (its own storage). Nothing is downloaded: the Playwright driver ships in the NuGet package.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The longest any one browser action or wait may take.</summary>
    public const float ActionTimeoutMs = 10_000;

    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium (.ci/run does)");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = 30_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A page in a new context, with every wait bounded by <see cref="ActionTimeoutMs"/>.</summary>
    public async Task<IPage> NewPageAsync(int width = 1200, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(ActionTimeoutMs);
        return await context.NewPageAsync();
    }

    /// <summary>A new page at <paramref name="url"/>, once it can be used (the page sets <c>body[data-ready]</c>).</summary>
    public async Task<IPage> OpenAsync(string url, int width = 1200, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync(url);
        await page.Locator("body[data-ready=true]").WaitForAsync();
        return page;
    }

    /// <summary>Types <paramref name="text"/> into the composer and sends it with Enter.</summary>
    public static async Task SendAsync(IPage page, string text)
    {
        await page.Locator("#prompt").FillAsync(text);
        await page.Locator("#prompt").PressAsync("Enter");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

using Gateway.IntegrationTests.Local;
using Microsoft.Playwright;

namespace Gateway.IntegrationTests.WebPage;

/// <summary>PNGs of the page's main states: into docs/ui/ (the README shows them) with UPDATE_UI_SCREENSHOTS=1, else a temp folder.</summary>
internal static class Screenshots
{
    private static readonly string s_directory = Environment.GetEnvironmentVariable("UPDATE_UI_SCREENSHOTS") == "1"
        ? Path.Combine(LocalModelFiles.RepositoryRoot, "docs", "ui")
        : Path.Combine(Path.GetTempPath(), "gateway-ui-screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(s_directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(s_directory, $"{name}.png"), FullPage = true });
    }
}

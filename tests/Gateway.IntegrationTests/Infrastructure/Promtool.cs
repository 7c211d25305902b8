namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Prometheus's own linter, the judge of an exposition (the test fails, not skips, when CI did not install it).</summary>
internal static class Promtool
{
    /// <summary>Finds the tool first, so a missing install fails before the test spends time on its gateway.</summary>
    public static string Find() => RequiredTool.Path("promtool", "prometheus");

    /// <summary>Passes when <c>promtool check metrics</c> exits 0 and prints nothing about <paramref name="exposition"/>.</summary>
    public static async Task AssertValidAsync(string promtool, string exposition)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, exposition);
            var (exitCode, output) = await ClientProcess.RunAsync("sh", "-c", $"{promtool} check metrics < {file}");
            Assert.True(exitCode == 0 && output.Length == 0, $"promtool check metrics: exit {exitCode}\n{output}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A program a test runs that the machine must have (.ci/run installs it); its absence fails the test, it is never skipped.</summary>
internal static class RequiredTool
{
    public static string Path(string name, string debianPackage) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
            .Select(directory => System.IO.Path.Combine(directory, name))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed: apt-get install -y {debianPackage} (as .ci/run does).");
}

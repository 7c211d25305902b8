using Gateway.IntegrationTests.Local;
using Gateway.Server.Configuration;

namespace Gateway.IntegrationTests;

/// <summary>The README's configuration table documents what <c>--help</c> prints.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void TheConfigurationTableListsEveryVariableOfHelp()
    {
        var rows = File.ReadAllLines(Path.Combine(LocalModelFiles.RepositoryRoot, "README.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('`')[1])
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(GatewayOptions.Variables, variable => Assert.Contains(variable.Name, rows));
    }
}

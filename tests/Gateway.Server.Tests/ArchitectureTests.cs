using Gateway.Server.Primitives;
using NetArchTest.Rules;

namespace Gateway.Server.Tests;

/// <summary>docs/architecture.md's layers, checked on the compiled assembly: a namespace uses only its own layer and those below it.</summary>
public class ArchitectureTests
{
    /// <summary>Lowest first; the root namespace (GatewayHost, Program) composes them all.</summary>
    private static readonly string[] s_layers =
    [
        "Primitives",
        "Diagnostics",
        "Transport",
        "Runtime",
        "Routing",
        "Http",
        "Conversation",
        "Sse",
        "Events",
        "Providers",
        "Agents",
        "Mcp",
        "Cluster",
        "Endpoints",
        "Configuration",
    ];

    public static TheoryData<string> Layers => [.. s_layers];

    [Theory]
    [MemberData(nameof(Layers))]
    public void ALayerUsesNoLayerAboveIt(string layer)
    {
        var above = s_layers.SkipWhile(l => l != layer).Skip(1).Select(Namespace).Append("Gateway.Server.GatewayHost").ToArray();

        var result = Types.InAssembly(typeof(RequestMethod).Assembly)
            .That().ResideInNamespace(Namespace(layer))
            .ShouldNot().HaveDependencyOnAny(above)
            .GetResult();

        Assert.True(result.IsSuccessful, $"{layer} uses a layer above it: {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
    }

    [Fact]
    public void TheRuleSeesADependencyUpwards()
    {
        // The check must be able to fail: Http uses Routing (its connection matches routes), so forbidding that fails.
        var result = Types.InAssembly(typeof(RequestMethod).Assembly)
            .That().ResideInNamespace(Namespace("Http"))
            .ShouldNot().HaveDependencyOnAny(Namespace("Routing"))
            .GetResult();

        Assert.False(result.IsSuccessful);
    }

    [Theory]
    [InlineData("Agents")]
    [InlineData("Providers")]
    [InlineData("Conversation")]
    [InlineData("Events")]
    public void TheAgentLoopAndItsModelsKnowNoHttpExchange(string layer)
    {
        var result = Types.InAssembly(typeof(RequestMethod).Assembly)
            .That().ResideInNamespace(Namespace(layer))
            .ShouldNot().HaveDependencyOnAny(typeof(IHttpExchange).FullName, typeof(IEndpoint).FullName)
            .GetResult();

        Assert.True(result.IsSuccessful, $"{layer} sees the HTTP exchange: {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
    }

    private static string Namespace(string layer) => "Gateway.Server." + layer;
}

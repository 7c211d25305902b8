using Microsoft.CodeAnalysis;

namespace Gateway.Generators;

/// <summary>
/// The compile-time half of Gateway: the tool registry and the SSE event serializers are emitted
/// here (issues for /chat and tools). The generator is wired into Gateway.Server and Gateway.Tools
/// already, so adding a pipeline here is all those issues need on the build side.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GatewayGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}

using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;

namespace Gateway.Fuzz.Targets;

/// <summary>The model catalog the body parsers resolve against: "openai/…" speaks OpenAI and calls tools, "local/…" reads text only.</summary>
internal static class FuzzCatalog
{
    public static readonly ModelCatalog Instance = new([new Provider("openai", remote: true), new Provider("local", remote: false)], null, GatewayLog.Silent);

    private sealed class Provider(string name, bool remote) : IModelProvider
    {
        public string Name => name;

        public bool SpeaksOpenAi => remote;

        public bool CallsTools => remote;

        public bool ReadsBinaryContent => remote;

        public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

        public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The parsers never call a model.");
    }
}

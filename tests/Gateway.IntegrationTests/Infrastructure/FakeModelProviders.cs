using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A provider whose model list is fixed by the test.</summary>
internal sealed class FakeModelProvider(string name, params string[] models) : IModelProvider
{
    public string Name => name;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(models);

    public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This provider only lists models.");
}

/// <summary>A provider whose listing always fails, the way an unreachable upstream does.</summary>
internal sealed class FailingModelProvider(string name) : IModelProvider
{
    public string Name => name;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<string>>(new HttpRequestException("connection refused"));

    public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This provider only lists models.");
}

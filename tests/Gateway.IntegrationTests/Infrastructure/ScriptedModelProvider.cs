using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// An in-process model whose turns the test scripts: each call to the model takes the next script.
/// It records every request (a snapshot of its messages and tools), and reports when a turn is cancelled (the session's upstream call aborted).
/// </summary>
internal sealed class ScriptedModelProvider(string name = "scripted", params string[] models) : IModelProvider
{
    private readonly ConcurrentQueue<Func<ModelTurnRequest, CancellationToken, IAsyncEnumerable<ProviderEvent>>> _turns = new();
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => name;

    /// <summary>False plays a model that ignores tools (as a local one did), which /chat must not demand a call of.</summary>
    public bool CallsTools { get; init; } = true;

    /// <summary>False plays a model that reads text only (as a local one does), which the front doors refuse images for.</summary>
    public bool ReadsBinaryContent { get; init; } = true;

    public ConcurrentQueue<ModelTurnRequest> Requests { get; } = new();

    /// <summary>Completes when a turn observes its cancellation.</summary>
    public Task Cancelled => _cancelled.Task;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(models.Length == 0 ? ["test-model"] : models);

    /// <summary>A turn that streams these events.</summary>
    public ScriptedModelProvider Then(params ProviderEvent[] events) => Then((_, _) => Yield(events));

    /// <summary>A turn that answers with text (in the given pieces) and usage.</summary>
    public ScriptedModelProvider ThenText(params string[] pieces) =>
        Then([.. pieces.Select(piece => ProviderEvent.TextDelta(piece)), ProviderEvent.UsageReported(new TokenUsage(10, pieces.Length))]);

    /// <summary>A turn that calls tools.</summary>
    public ScriptedModelProvider ThenCalls(params ToolCallRequest[] calls) =>
        Then([.. calls.Select(ProviderEvent.ToolCalled), ProviderEvent.UsageReported(new TokenUsage(5, 1))]);

    /// <summary>A turn that sends some text, then waits until it is cancelled.</summary>
    /// <summary>A turn that writes <paramref name="firstText"/> (nothing when null) and then waits until it is cancelled.</summary>
    public ScriptedModelProvider ThenHang(string? firstText) => Then((_, token) => HangAsync(firstText, token));

    public ScriptedModelProvider Then(Func<ModelTurnRequest, CancellationToken, IAsyncEnumerable<ProviderEvent>> turn)
    {
        _turns.Enqueue(turn);
        return this;
    }

    public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        // The agent loop keeps appending to the history list it passed; record the request as the model saw it.
        Requests.Enqueue(request with { Messages = [.. request.Messages], Tools = [.. request.Tools] });
        var events = _turns.TryDequeue(out var turn)
            ? turn(request, cancellationToken)
            : Yield([ProviderEvent.Failed("the script has no more turns")]);
        return sink.PlayAsync(events, cancellationToken);
    }

    private static async IAsyncEnumerable<ProviderEvent> Yield(ProviderEvent[] events)
    {
        foreach (var item in events)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private async IAsyncEnumerable<ProviderEvent> HangAsync(string? firstText, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (firstText is not null)
        {
            yield return ProviderEvent.TextDelta(firstText);
        }
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            _cancelled.TrySetResult();
        }
    }
}

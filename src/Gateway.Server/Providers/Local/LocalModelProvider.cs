using System.Collections.Concurrent;
using System.Net;
using Gateway.Server.Diagnostics;

namespace Gateway.Server.Providers.Local;

/// <summary>The in-process models (provider name "local"): every <c>*.gguf</c> in MODELS_DIR, run by llama.cpp through LLamaSharp.</summary>
/// <remarks>
/// - The listing is read from the directory on every catalog refresh, so a model dropped in is served
///   from the next refresh on.
/// - Weights load lazily, on a model's first turn, and stay loaded for the process's life, shared by every
///   session: start-up stays instant (the gateway may serve only remote models) and unused files cost
///   nothing; the first turn on a model waits for its load (milliseconds for the test models, seconds for
///   billions of parameters). A failed load is reported to that turn and retried by the next.
/// - Tools: offered in the model's tool family's syntax, and a call is held to a grammar: from the first token when
///   the turn must call one (toolChoice required or named), from the opener the model writes on an auto turn whose
///   offer fits beside the answer (see <c>LocalModel.FormatTurn</c>).
/// - A structured response_format (/v1) holds the text answer to JSON by a grammar from its schema (same place).
/// - Nor are images and binary documents: the prompt says where one was left out (see <see cref="LocalPromptFormat"/>).
/// </remarks>
internal sealed class LocalModelProvider(LocalModelOptions options, GatewayLog log) : IModelProvider, IAsyncDisposable
{
    public const string ProviderName = "local";

    private readonly ConcurrentDictionary<string, Lazy<Task<LocalModel>>> _models = new(StringComparer.Ordinal);
    private bool _disposed;

    public string Name => ProviderName;

    public bool CallsTools => true;

    public bool ConstrainsOutput => true;

    public bool ReadsBinaryContent => false;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(LocalModelDirectory.List(options.ModelsDirectory));

    public async Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        var (sequence, failure) = await StartAsync(request, cancellationToken).ConfigureAwait(false);
        if (sequence is null)
        {
            failure.Deliver(sink);
            return;
        }
        // Disposing (on completion, cancellation or failure) tells the decode loop to free the sequence.
        using (sequence)
        {
            var events = sequence.Events;
            while (true)
            {
                // What the decode loop has produced leaves together; the sink is flushed before waiting for more.
                while (events.TryRead(out var item))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    item.Deliver(sink);
                    if (sink.IsBehind)
                    {
                        await sink.FlushAsync().ConfigureAwait(false);
                    }
                }
                var more = events.WaitToReadAsync(cancellationToken);
                if (!more.IsCompleted)
                {
                    await sink.FlushAsync().ConfigureAwait(false);
                }
                if (!await more.ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>The model's own tokenizer over the prompt (<see cref="LocalModel.CountPromptTokens"/>); loads the model on first use.</summary>
    public async Task<long> CountInputTokensAsync(ModelTurnRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return (await GetModelAsync(request.Model, cancellationToken).ConfigureAwait(false)).CountPromptTokens(request);
        }
        catch (LocalModelException e)
        {
            throw new HttpRequestException(e.Message, e, (HttpStatusCode)e.StatusCode);
        }
    }

    /// <summary>The models loaded so far.</summary>
    public IEnumerable<LocalModel> Loaded =>
        _models.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result);

    /// <summary>The loaded model <paramref name="id"/>, loading it on first use.</summary>
    /// <exception cref="LocalModelException">No such model in MODELS_DIR, or it failed to load.</exception>
    public async Task<LocalModel> GetModelAsync(string id, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var path = LocalModelDirectory.Find(options.ModelsDirectory, id)
            ?? throw new LocalModelException($"Local model '{id}' not found: no {id}{LocalModelDirectory.Extension} in {options.ModelsDirectory} (MODELS_DIR).", statusCode: 404);
        var lazy = _models.GetOrAdd(id, _ => new Lazy<Task<LocalModel>>(() => Task.Run(() => Load(id, path))));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LocalModelException)
        {
            _models.TryRemove(KeyValuePair.Create(id, lazy)); // The next turn tries again (the file may have been fixed).
            throw;
        }
    }

    private async Task<(LocalSequence? Sequence, ProviderEvent Failure)> StartAsync(ModelTurnRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var model = await GetModelAsync(request.Model, cancellationToken).ConfigureAwait(false);
            return (await model.StartAsync(request.Messages, request.Options, request.Tools, cancellationToken).ConfigureAwait(false), default);
        }
        catch (LocalModelException e)
        {
            return (null, ProviderEvent.Failed(e.Message, e.StatusCode));
        }
        catch (ObjectDisposedException)
        {
            return (null, ProviderEvent.Failed($"Local model '{request.Model}' is not available: the gateway is shutting down.", 503));
        }
    }

    private LocalModel Load(string id, string path)
    {
        try
        {
            return LocalModel.Load(id, path, options, log);
        }
        catch (Exception e)
        {
            log.Warning($"Local model {id} ({path}) failed to load.", e);
            throw new LocalModelException($"Local model '{id}' could not be loaded: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, true);
        foreach (var lazy in _models.Values.Where(l => l.IsValueCreated))
        {
            try
            {
                await (await lazy.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (LocalModelException)
            {
                // It never loaded: nothing to free.
            }
        }
        _models.Clear();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers.Local.Tools;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>One GGUF model in process: its weights, loaded once, and one llama.cpp context whose sequences are the turns.</summary>
/// <remarks>
/// Every turn on the model is one sequence of the same <see cref="BatchedExecutor"/>, so concurrent turns share
/// each decode call (one batch per step, see <c>LocalModel.DecodeLoop.cs</c>). At most
/// <see cref="LocalModelOptions.MaxSequences"/> sequences run; a slot is taken before a turn is queued and given
/// back only when the loop has freed or parked the sequence's KV cache. A turn's KV cache stays parked after it ends
/// (<see cref="LocalPrefixCache"/>) until a later turn sharing its first tokens takes it over or a new sequence needs its room.
/// The context reserves <see cref="ContextPerSequence"/> tokens for every sequence (llama.cpp's non-unified KV
/// cache: one stream per sequence), so a turn never runs out of room because of the others.
/// </remarks>
internal sealed partial class LocalModel : IAsyncDisposable
{
    private readonly LLamaWeights _weights;
    private readonly ModelParams _contextParameters;
    private readonly LocalModelOptions _options;
    private readonly LocalPromptFormat _format;
    private readonly GatewayLog _log;
    private readonly SemaphoreSlim _slots;
    private readonly string? _bosText;
    private readonly LLamaToken? _openerToken;

    private LocalModel(string id, LLamaWeights weights, ModelParams contextParameters, int contextPerSequence, LocalModelOptions options, LocalPromptFormat format, GatewayLog log)
    {
        Id = id;
        _weights = weights;
        _contextParameters = contextParameters;
        ContextPerSequence = contextPerSequence;
        _options = options;
        _format = format;
        _log = log;
        _slots = new SemaphoreSlim(options.MaxSequences, options.MaxSequences);
        _parked = new LocalPrefixCache(options.MaxSequences);
        _bosText = weights.Vocab.BOS is { } bos ? weights.Vocab.LLamaTokenToString(bos, isSpecialToken: true) : null;
        // A call opener that is one token in the vocabulary is watched for by id: a control token decodes to no text.
        _openerToken = weights.NativeHandle.Tokenize(format.Family.Opener(), false, true, Encoding.UTF8) is [var opener] ? opener : null;
        // Created now so that a context that cannot be allocated fails the load, not the first turn.
        _executor = new BatchedExecutor(weights, contextParameters);
    }

    public string Id { get; }

    /// <summary>Tokens one sequence may hold: LOCAL_CONTEXT_SIZE, capped at the model's training context.</summary>
    public int ContextPerSequence { get; }

    /// <summary>False when the model has no (usable) chat template and gets plain-text prompts.</summary>
    public bool UsesChatTemplate => _format.UsesTemplate;

    public LocalModelStatistics Statistics
    {
        get
        {
            int queued;
            lock (_gate)
            {
                queued = _pending.Count;
            }
            return new LocalModelStatistics(
                Interlocked.Read(ref _decodeCalls), Volatile.Read(ref _maxSequencesPerDecode), _options.MaxSequences - _slots.CurrentCount, queued, Interlocked.Read(ref _generatedTokens),
                Volatile.Read(ref _parkedSequences), Interlocked.Read(ref _cachedPromptTokens),
                TimeSpan.FromTicks(Interlocked.Read(ref _prefillTicks)), TimeSpan.FromTicks(Interlocked.Read(ref _decodeTicks)));
        }
    }

    /// <summary>Loads the weights (blocking; callers run it off the request path) and sizes the context.</summary>
    public static LocalModel Load(string id, string path, LocalModelOptions options, GatewayLog log)
    {
        LlamaNativeLibrary.EnsureConfigured(log);
        var started = Stopwatch.GetTimestamp();
        var parameters = new ModelParams(path)
        {
            GpuLayerCount = 0,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            BatchSize = (uint)options.BatchSize,
            UBatchSize = (uint)options.BatchSize,
            SeqMax = (uint)options.MaxSequences,
            KVUnified = false,
        };
        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            // Beyond the training context a model's output degrades, so that is the ceiling whatever is configured.
            var trained = weights.ContextSize;
            var perSequence = trained > 0 ? Math.Min(options.ContextSize, trained) : options.ContextSize;
            parameters = parameters with { ContextSize = (uint)(perSequence * options.MaxSequences) };

            var format = LocalPromptFormat.Create(weights.NativeHandle.GetTemplate(null, strict: false), out var unsupported);
            if (unsupported)
            {
                log.Warning($"Local model {id}: llama.cpp does not recognise its chat template; prompts are sent as plain text.");
            }
            var model = new LocalModel(id, weights, parameters, perSequence, options, format, log);
            log.Info(string.Create(CultureInfo.InvariantCulture,
                $"Local model {id} loaded in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms: llama.cpp {LlamaNativeLibrary.LoadedLevel()} build, {perSequence} tokens x {options.MaxSequences} sequences, {options.Threads} threads, {(format.UsesTemplate ? "chat template" : "plain-text prompts")}."));
            return model;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a chat turn: the model's prompt format; the caller's token limit, at most LOCAL_MAX_TOKENS; the
    /// template's stop strings and the caller's; the caller's sampling; the tools it may call (<see cref="FormatTurn"/>).
    /// A turn with a <see cref="TurnOptions.ResponseFormat"/> and no call grammar from the start is held to the format by
    /// a grammar for the whole answer (<see cref="JsonSchemaGrammar"/>), which is streamed as text.
    /// </summary>
    /// <exception cref="LocalModelException">A tool's or the format's schema makes too large a grammar (status 400).</exception>
    public Task<LocalSequence> StartAsync(IReadOnlyList<ChatMessage> messages, TurnOptions options, IReadOnlyList<ToolDefinition> tools, CancellationToken cancellationToken)
    {
        var maxTokens = AnswerLimit(options);
        var (prompt, turn) = FormatTurn(messages, options, tools, maxTokens);
        IReadOnlyList<string> stopStrings = options.Stop.Count == 0 ? _format.StopStrings : [.. _format.StopStrings, .. options.Stop];
        var sampling = LocalSampling.From(options);
        if (turn is null && options.ResponseFormat is { } format)
        {
            // The text answer takes the format from its first token on; a turn that must call has no text to shape.
            sampling = sampling with { Grammar = (JsonSchemaGrammar.For(format), _weights.Vocab) };
        }
        return StartAsync(prompt, stopStrings, maxTokens, sampling, turn, cancellationToken);
    }

    /// <summary>Starts a raw completion of <paramref name="text"/>, no template (tests and benchmarks).</summary>
    /// <exception cref="LocalModelException">The prompt does not fit, or no sequence became free within LOCAL_QUEUE_TIMEOUT_SECONDS.</exception>
    /// <param name="tools">When the model may call tools: how its answer is read, and the grammar it must follow.</param>
    public Task<LocalSequence> StartAsync(
        string text, bool parseSpecial, IReadOnlyList<string> stopStrings, int maxTokens, CancellationToken cancellationToken, LocalSampling sampling = default,
        LocalToolTurn? tools = null) =>
        StartAsync(Tokenize(text, parseSpecial), stopStrings, maxTokens, sampling, tools, cancellationToken);

    private async Task<LocalSequence> StartAsync(
        LLamaToken[] tokens, IReadOnlyList<string> stopStrings, int maxTokens, LocalSampling sampling, LocalToolTurn? tools, CancellationToken cancellationToken)
    {
        if (tokens.Length == 0)
        {
            throw new LocalModelException($"Local model '{Id}': the prompt is empty.", statusCode: 400);
        }
        if (tokens.Length > ContextPerSequence)
        {
            throw new LocalModelException(string.Create(CultureInfo.InvariantCulture,
                $"Local model '{Id}': the prompt is {tokens.Length} tokens, more than the {ContextPerSequence} tokens a sequence holds (LOCAL_CONTEXT_SIZE, at most the model's training context)."), statusCode: 400);
        }
        if (!await _slots.WaitAsync(_options.QueueTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new LocalModelException(string.Create(CultureInfo.InvariantCulture,
                $"Local model '{Id}' is busy: all {_options.MaxSequences} sequences (LOCAL_MAX_SEQUENCES) stayed in use for {_options.QueueTimeout.TotalSeconds:0.#} s (LOCAL_QUEUE_TIMEOUT_SECONDS)."), statusCode: 503);
        }
        if (tools?.Grammar is { } grammar)
        {
            sampling = sampling with { Grammar = (grammar, _weights.Vocab) };
        }
        var sequence = new LocalSequence(tokens, maxTokens, stopStrings, sampling, tools);
        Enqueue(sequence);
        return sequence;
    }

    /// <summary>The caller's answer limit, at most LOCAL_MAX_TOKENS.</summary>
    private int AnswerLimit(TurnOptions options) => Math.Min(options.MaxTokens ?? _options.MaxTokens, _options.MaxTokens);

    private LLamaToken[] Tokenize((string Text, bool ParseSpecial) prompt) => Tokenize(prompt.Text, prompt.ParseSpecial);

    private LLamaToken[] Tokenize(string text, bool parseSpecial)
    {
        // A template that writes the BOS marker itself (Llama 3's <|begin_of_text|>) must not get a second one.
        var writesBos = parseSpecial && !string.IsNullOrEmpty(_bosText) && text.StartsWith(_bosText, StringComparison.Ordinal);
        return _weights.NativeHandle.Tokenize(text, _weights.Vocab.ShouldAddBOS && !writesBos, parseSpecial, Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        Task loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _held?.Released.TrySetResult();
            loop = _loop;
        }
        // The loop ends its turns with an error at its next step and exits; only then is the context free to go.
        await loop.ConfigureAwait(false);
        _parked.Clear();
        _executor?.Dispose();
        _executor = null;
        _weights.Dispose();
    }
}

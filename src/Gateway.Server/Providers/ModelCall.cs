using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Providers;

/// <summary>
/// Every model call, /chat's agent loop's and /v1's alike, streams into one of these, so the upstream series count every
/// call and every call has its <c>chat</c> span: it passes the pushes on to the caller's sink, noting the first token, the
/// usage, the finish reason and a failure's status, and counts, times and ends the call when disposed.
/// </summary>
/// <remarks>
/// Pooled (STYLE §15), and used inline by the caller rather than through a wrapping async method, so metering a call
/// allocates nothing: a provider uses its sink only until its StreamTurnAsync ends (IModelProvider), and this one is
/// reused after that.
/// </remarks>
internal sealed class ModelCall : ITurnSink, IDisposable
{
    private const int PoolCapacity = 1024;

    private static readonly ConcurrentQueue<ModelCall> Pool = new();
    private static int s_pooled;

    private ITurnSink _inner = null!;
    private UpstreamMetrics _metrics = null!;
    private UpstreamMetrics.ModelSeries _series = null!;
    private ITokenBudget? _budget;
    private bool _countsCachedInputApart;
    private CancellationToken _cancellationToken;
    private long _startedAt;
    private bool _answered;
    private int _failureStatus;
    private Activity? _span;

    /// <summary>
    /// A sink for one call of <paramref name="provider"/> on <paramref name="request"/>, whose span is current until it is
    /// disposed (the provider's upstream request carries it); dispose it when the call has returned.
    /// </summary>
    /// <param name="budget">The client's key's tokens, which the call's usage is spent from; null when no key pays for it.</param>
    /// <param name="cancellationToken">The call's token: a call that ends with it cancelled counts as cancelled (the client left).</param>
    public static ModelCall Start(
        UpstreamMetrics metrics, IModelProvider provider, ModelTurnRequest request, ITurnSink inner, ITokenBudget? budget,
        CancellationToken cancellationToken)
    {
        if (Pool.TryDequeue(out var sink))
        {
            Interlocked.Decrement(ref s_pooled);
        }
        else
        {
            sink = new ModelCall();
        }
        sink._inner = inner;
        sink._metrics = metrics;
        sink._series = metrics.For(provider.Name, request.Model);
        sink._budget = budget;
        sink._countsCachedInputApart = provider.CountsCachedInputApart;
        sink._cancellationToken = cancellationToken;
        sink._startedAt = metrics.Timestamp();
        sink._answered = false;
        sink._failureStatus = 0;
        sink._span = GatewayTracing.StartChat(provider.Name, request.Model, provider.ServerUrl);
        return sink;
    }

    /// <summary>Counts the call by the status it ended with, times it and ends its span, then goes back to the pool.</summary>
    public void Dispose()
    {
        var cancelled = _cancellationToken.IsCancellationRequested;
        _series.Requests.Increment(cancelled ? UpstreamMetrics.CanceledStatus : _failureStatus != 0 ? _failureStatus : 200);
        _series.Duration.Observe(_metrics.Elapsed(_startedAt));
        if (_span is not null)
        {
            if (cancelled)
            {
                GatewayTracing.RecordError(_span, "cancelled");
            }
            _span.Dispose();
            _span = null;
        }
        _inner = null!;
        _budget = null;
        _cancellationToken = default;
        if (Interlocked.Increment(ref s_pooled) <= PoolCapacity)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
        }
    }

    public void Text(ReadOnlySpan<byte> text, string? logprobs)
    {
        FirstToken();
        _inner.Text(text, logprobs);
    }

    public void Reasoning(ReadOnlySpan<byte> text)
    {
        FirstToken();
        _inner.Reasoning(text);
    }

    public void ReasoningItem(ReasoningItem item) => _inner.ReasoningItem(item);

    public void ToolCallStarted(int index, string id, string name)
    {
        FirstToken();
        _inner.ToolCallStarted(index, id, name);
    }

    public void ToolArguments(int index, string text) => _inner.ToolArguments(index, text);

    public void ToolCalled(ToolCallRequest call, int index)
    {
        FirstToken();
        _inner.ToolCalled(call, index);
    }

    public void Finished(FinishReason reason)
    {
        GatewayTracing.RecordFinishReason(_span, reason switch
        {
            FinishReason.Stop => "stop",
            FinishReason.Length => "length",
            FinishReason.ToolCalls => "tool_calls",
            _ => "content_filter",
        });
        _inner.Finished(reason);
    }

    public void StopSequence(string sequence) => _inner.StopSequence(sequence);

    public void Usage(TokenUsage usage)
    {
        _series.InputTokens.Add(usage.InputTokens);
        _series.OutputTokens.Add(usage.OutputTokens);
        _series.CacheReadTokens.Add(usage.CacheReadTokens ?? 0);
        _series.CacheWriteTokens.Add(usage.CacheCreationTokens ?? 0);
        GatewayTracing.RecordUsage(_span, usage.InputTokens, usage.OutputTokens);
        // Where the provider counts cached input apart (Anthropic), it is input all the same.
        var cachedApart = _countsCachedInputApart ? (usage.CacheReadTokens ?? 0) + (usage.CacheCreationTokens ?? 0) : 0;
        _budget?.Spend(usage.InputTokens + cachedApart, usage.OutputTokens);
        _inner.Usage(usage);
    }

    public void Failed(string message, int statusCode)
    {
        _failureStatus = statusCode;
        if (_span is not null)
        {
            // semconv error.type: the upstream's status code when it answered with one.
            GatewayTracing.RecordError(_span, statusCode > 0 ? statusCode.ToString(CultureInfo.InvariantCulture) : "_OTHER");
        }
        _inner.Failed(message, statusCode);
    }

    public ValueTask FlushAsync() => _inner.FlushAsync();

    public bool IsBehind => _inner.IsBehind;

    private void FirstToken()
    {
        if (!_answered)
        {
            _answered = true;
            _series.FirstToken.Observe(_metrics.Elapsed(_startedAt));
        }
    }
}

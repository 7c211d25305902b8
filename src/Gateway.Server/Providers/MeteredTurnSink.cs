using System.Collections.Concurrent;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Providers;

/// <summary>Passes a model call's pushes on to the caller's sink, noting its first token, its tokens and its failure for the metrics.</summary>
/// <remarks>Pooled (STYLE §15): a provider uses its sink only until its StreamTurnAsync ends (IModelProvider), after which this one is reused.</remarks>
internal sealed class MeteredTurnSink : ITurnSink
{
    private const int PoolCapacity = 1024;

    private static readonly ConcurrentQueue<MeteredTurnSink> Pool = new();
    private static int s_pooled;

    private ITurnSink _inner = null!;
    private UpstreamMetrics _metrics = null!;
    private UpstreamMetrics.ModelSeries _series = null!;
    private long _startedAt;
    private bool _answered;
    private int _failureStatus;

    public static MeteredTurnSink Rent(ITurnSink inner, UpstreamMetrics metrics, UpstreamMetrics.ModelSeries series)
    {
        if (Pool.TryDequeue(out var sink))
        {
            Interlocked.Decrement(ref s_pooled);
        }
        else
        {
            sink = new MeteredTurnSink();
        }
        sink._inner = inner;
        sink._metrics = metrics;
        sink._series = series;
        sink._startedAt = metrics.Timestamp();
        sink._answered = false;
        sink._failureStatus = 0;
        return sink;
    }

    /// <summary>Counts the call by the status it ended with and times it, then goes back to the pool.</summary>
    /// <param name="canceled">The caller cancelled the call (the client left).</param>
    public void End(bool canceled)
    {
        _series.Requests.Increment(canceled ? UpstreamMetrics.CanceledStatus : _failureStatus != 0 ? _failureStatus : 200);
        _series.Duration.Observe(_metrics.Elapsed(_startedAt));
        _inner = null!;
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

    public void Finished(FinishReason reason) => _inner.Finished(reason);

    public void Usage(TokenUsage usage)
    {
        _series.InputTokens.Add(usage.InputTokens);
        _series.OutputTokens.Add(usage.OutputTokens);
        _series.CacheReadTokens.Add(usage.CacheReadTokens ?? 0);
        _series.CacheWriteTokens.Add(usage.CacheCreationTokens ?? 0);
        _inner.Usage(usage);
    }

    public void Failed(string message, int statusCode)
    {
        _failureStatus = statusCode;
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

using System.Diagnostics;

namespace Gateway.LoadGen;

/// <summary>
/// N connections, each writing its next request (or pipelined batch) when the previous responses have ended: the
/// maximum throughput at that concurrency. Latency is from the write; a request started in the window counts. With
/// --requests the run ends after that many requests, or at the end of the duration if that comes first.
/// </summary>
public sealed class ClosedLoop(TargetRequest target, LoadOptions options, TimeoutWatchdog watchdog)
{
    private long _unsent;

    public async Task<StepResult> RunAsync(LoadStep step, StepMetrics metrics)
    {
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + Ticks(options.Warmup);
        var end = windowStart + Ticks(options.Duration);
        _unsent = options.Requests > 0 ? options.Requests : long.MaxValue;
        metrics.SetWindow(windowStart, end);
        var workers = Enumerable.Range(0, step.Connections).Select(_ => WorkerAsync(metrics, end)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var measured = Stopwatch.GetElapsedTime(windowStart);
        return metrics.Finish(step, target.Pipeline, options.Warmup, measured < options.Duration ? measured : options.Duration, step.Connections);
    }

    private async Task WorkerAsync(StepMetrics metrics, long end)
    {
        await Task.Yield();
        using var connection = new LoadConnection(target, watchdog, options.NewScanner());
        var timeout = Ticks(options.Timeout);
        long now;
        while ((now = Stopwatch.GetTimestamp()) < end && Interlocked.Add(ref _unsent, -target.Pipeline) >= 0)
        {
            metrics.CountSent(now, target.Pipeline);
            try
            {
                await connection.ExchangeAsync(now + timeout).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                connection.Outcomes.AsSpan().Fill(new RequestOutcome { Error = ErrorKind.Protocol });
                Console.Error.WriteLine($"loadgen: unexpected {e.GetType().Name}: {e.Message}");
            }
            var connectFailed = false;
            foreach (ref readonly var outcome in connection.Outcomes.AsSpan())
            {
                metrics.Record(outcome, now);
                connectFailed |= outcome.Error is ErrorKind.ConnectRefused or ErrorKind.ConnectError;
            }
            if (connectFailed)
            {
                // A refused connect fails in microseconds: pause so that a dead target is not hammered in a hot loop.
                await Task.Delay(10).ConfigureAwait(false);
            }
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

using System.Diagnostics;

namespace Gateway.LoadGen;

/// <summary>
/// Constant arrival rate: request i is due at start + i / rate, is written as soon as the scheduler thread reaches
/// that time (in a burst if it fell behind), and every latency is measured from the due time, not the write. A
/// server that slows down therefore shows growing latency rather than a lower rate: no coordinated omission
/// (Tene, "How NOT to measure latency"; wrk2). Requests past --max-in-flight are counted as overloaded, unsent.
/// </summary>
public sealed class OpenLoop(TargetRequest target, LoadOptions options, TimeoutWatchdog watchdog)
{
    private static readonly double s_microsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    public async Task<StepResult> RunAsync(LoadStep step, StepMetrics metrics)
    {
        using var pool = new ConnectionPool(target, watchdog, options.NewScanner);
        await pool.PrefillAsync(Math.Min(step.Connections, options.MaxInFlight)).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000;
        var windowStart = start + Ticks(options.Warmup);
        var end = windowStart + Ticks(options.Duration);
        metrics.SetWindow(windowStart, end);
        // One scheduler thread writes every request itself (a hand-off to the thread pool, or two scheduler
        // threads, measured no better on 2 cores: the hop costs what it saves).
        var scheduler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Schedule(pool, metrics, start, end, Stopwatch.Frequency / step.Rate);
            scheduler.SetResult();
        })
        { IsBackground = true, Name = "loadgen-scheduler" };
        thread.Start();
        await scheduler.Task.ConfigureAwait(false);
        // Drain: requests scheduled in the window are measured however late they finish (the watchdog bounds them).
        var drainEnd = Stopwatch.GetTimestamp() + Ticks(options.Timeout) + Stopwatch.Frequency;
        while (metrics.InFlight > 0 && Stopwatch.GetTimestamp() < drainEnd)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }
        return metrics.Finish(step, 1, options.Warmup, options.Duration, pool.Peak);
    }

    private void Schedule(ConnectionPool pool, StepMetrics metrics, long start, long end, double interval)
    {
        SchedulerThread.Tune();
        var timeout = Ticks(options.Timeout);
        // Above 10,000 requests a second, wake at most every 100 µs and write every request then due: one wake per
        // request would cost more than the write. Below it, every request gets its own wake, within a few µs.
        var minimumSleep = interval < Stopwatch.Frequency / 10_000 ? Stopwatch.Frequency / 10_000 : 0;
        for (long i = 0; ; i++)
        {
            var due = start + (long)(i * interval);
            if (due >= end)
            {
                return;
            }
            var now = Stopwatch.GetTimestamp();
            if (now < due)
            {
                // Never early, never spinning: sleep until the due time (the timer slack is 1 µs on this thread).
                // A late write is measured anyway (latency runs from the due time) and reported as dispatch lag.
                var wake = Math.Max(due, now + minimumSleep);
                do
                {
                    SchedulerThread.SleepMicroseconds(Math.Max(1, (long)((wake - now) * s_microsPerTick)));
                    now = Stopwatch.GetTimestamp();
                }
                while (now < wake);
            }
            if (metrics.InFlight >= options.MaxInFlight)
            {
                metrics.CountOverloaded(due);
                continue;
            }
            metrics.CountSent(due, 1, now - due);
            _ = SendAsync(pool, pool.Rent(), metrics, due, due + timeout);
        }
    }

    private static async Task SendAsync(ConnectionPool pool, LoadConnection connection, StepMetrics metrics, long due, long deadline)
    {
        var reusable = false;
        try
        {
            reusable = await connection.ExchangeAsync(deadline).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            connection.Outcomes[0].Error = ErrorKind.Protocol;
            Console.Error.WriteLine($"loadgen: unexpected {e.GetType().Name}: {e.Message}");
        }
        metrics.Record(connection.Outcomes[0], due);
        pool.Return(connection, reusable);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

using System.Diagnostics;
using System.Globalization;

namespace Gateway.LoadGen;

/// <summary>Prints one progress line a second to stderr while a step runs (in place on a terminal).</summary>
public sealed class ProgressReporter : IDisposable
{
    private readonly StepMetrics _metrics;
    private readonly string _title;
    private readonly long _windowStart;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private readonly bool _inPlace = !Console.IsErrorRedirected;

    public ProgressReporter(StepMetrics metrics, string title, TimeSpan warmup)
    {
        _metrics = metrics;
        _title = title;
        _windowStart = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        _thread = new Thread(Run) { IsBackground = true, Name = "loadgen-progress" };
        _thread.Start();
    }

    private void Run()
    {
        var started = Stopwatch.GetTimestamp();
        var previousOk = 0L;
        var previousAt = started;
        while (!_stop.Wait(1000))
        {
            var now = Stopwatch.GetTimestamp();
            var ok = _metrics.AllOk;
            var rate = (ok - previousOk) / Stopwatch.GetElapsedTime(previousAt, now).TotalSeconds;
            (previousOk, previousAt) = (ok, now);
            var (end, first) = _metrics.TakeLive();
            var phase = now < _windowStart ? " warmup" : "";
            var firstText = first.TotalCount > 0 ? $"first {Ms(first.GetValueAtPercentile(99))} " : "";
            var endText = end.TotalCount > 0 ? $"end {Ms(end.GetValueAtPercentile(99))}" : "-";
            var line = string.Create(CultureInfo.InvariantCulture,
                $"[{Stopwatch.GetElapsedTime(started, now).TotalSeconds,3:0}s] {_title}{phase} | sent {_metrics.AllSent} ok {ok} err {_metrics.AllErrors} | {rate:0}/s | in-flight {_metrics.InFlight} | p99 1s: {firstText}{endText}");
            if (_inPlace)
            {
                Console.Error.Write("\r" + line.PadRight(110));
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }
        if (_inPlace)
        {
            Console.Error.WriteLine();
        }
    }

    private static string Ms(long micros) => (micros / 1000.0).ToString(micros < 10_000 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + "ms";

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}

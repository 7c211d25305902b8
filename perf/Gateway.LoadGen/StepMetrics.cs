using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace Gateway.LoadGen;

/// <summary>
/// The counters and histograms of one step, written concurrently by every connection. A request belongs to the
/// measured window when its start (scheduled start in the open loop) falls inside it, whenever it completes.
/// </summary>
/// <remarks>
/// Histograms hold microseconds (1 µs to 1 h, 3 significant digits) behind HdrHistogram <see cref="Recorder"/>s,
/// whose writes are wait-free; the progress thread takes interval histograms of the live recorders each second.
/// </remarks>
public sealed class StepMetrics
{
    private const long HighestMicros = 3_600_000_000;
    private static readonly string[] s_names = ["headers", "connected", "firstContent", "end"];
    private static readonly double s_microsPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private readonly Recorder[] _measured = [.. s_names.Select(_ => NewRecorder())];
    private readonly Recorder _liveEnd = NewRecorder();
    private readonly Recorder _liveFirst = NewRecorder();
    private readonly long _gcPauseStart = (long)GC.GetTotalPauseDuration().TotalMicroseconds;
    private readonly int[] _gcStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private HistogramBase? _spareEnd, _spareFirst;
    private readonly long[] _kinds = new long[Enum.GetValues<ErrorKind>().Length];
    private readonly long[] _statuses = new long[600];
    private long _windowStart = long.MaxValue;
    private long _windowEnd = long.MaxValue;
    private long _sent, _ok, _events, _bytes;
    private long _allSent, _allOk, _allErrors;
    private long _inFlight, _peakInFlight, _maxLagTicks, _lastHeaders;

    /// <summary>Sets the measured window, in Stopwatch timestamps.</summary>
    public void SetWindow(long start, long end) => (_windowStart, _windowEnd) = (start, end);

    public long AllSent => Interlocked.Read(ref _allSent);
    public long AllOk => Interlocked.Read(ref _allOk);
    public long AllErrors => Interlocked.Read(ref _allErrors);
    public long InFlight => Interlocked.Read(ref _inFlight);

    public bool InWindow(long start) => start >= _windowStart && start < _windowEnd;

    /// <summary>Counts <paramref name="count"/> requests written at <paramref name="start"/>; they are in flight until recorded.</summary>
    public void CountSent(long start, int count, long lagTicks = 0)
    {
        Interlocked.Add(ref _allSent, count);
        var inFlight = Interlocked.Add(ref _inFlight, count);
        if (InWindow(start))
        {
            Interlocked.Add(ref _sent, count);
            Max(ref _peakInFlight, inFlight);
            Max(ref _maxLagTicks, lagTicks);
        }
    }

    /// <summary>Records a request that was never written (open loop over --max-in-flight).</summary>
    public void CountOverloaded(long start)
    {
        Interlocked.Increment(ref _allErrors);
        if (InWindow(start))
        {
            Interlocked.Increment(ref _kinds[(int)ErrorKind.Overloaded]);
        }
    }

    public void Record(in RequestOutcome outcome, long start)
    {
        Interlocked.Decrement(ref _inFlight);
        var ok = outcome.Error == ErrorKind.None;
        Interlocked.Increment(ref ok ? ref _allOk : ref _allErrors);
        if (ok)
        {
            _liveEnd.RecordValue(Micros(outcome.End - start));
            if (outcome.FirstContent != 0)
            {
                _liveFirst.RecordValue(Micros(outcome.FirstContent - start));
            }
        }
        if (!InWindow(start))
        {
            return;
        }
        Interlocked.Add(ref _bytes, outcome.Bytes);
        Max(ref _lastHeaders, outcome.Headers);
        if (!ok)
        {
            Interlocked.Increment(ref _kinds[(int)outcome.Error]);
            if (outcome.Error == ErrorKind.Status)
            {
                Interlocked.Increment(ref _statuses[Math.Clamp(outcome.Status, 0, _statuses.Length - 1)]);
            }
            return;
        }
        Interlocked.Increment(ref _ok);
        Interlocked.Add(ref _events, outcome.Events);
        ReadOnlySpan<long> times = [outcome.Headers, outcome.Connected, outcome.FirstContent, outcome.End];
        for (var i = 0; i < times.Length; i++)
        {
            if (times[i] != 0)
            {
                _measured[i].RecordValue(Micros(times[i] - start));
            }
        }
    }

    /// <summary>The live end and first-content histograms since the previous call (every request, warm-up included).</summary>
    /// <remarks>
    /// The histograms returned by the previous call are recycled (each is ~180 kB, on the large-object heap: a fresh
    /// pair every second would bring blocking gen-2 collections, which stall the open-loop scheduler).
    /// </remarks>
    public (HistogramBase End, HistogramBase FirstContent) TakeLive()
    {
        _spareEnd = _spareEnd is null ? _liveEnd.GetIntervalHistogram() : _liveEnd.GetIntervalHistogram(_spareEnd);
        _spareFirst = _spareFirst is null ? _liveFirst.GetIntervalHistogram() : _liveFirst.GetIntervalHistogram(_spareFirst);
        return (_spareEnd, _spareFirst);
    }

    public StepResult Finish(LoadStep step, int pipeline, TimeSpan warmup, TimeSpan duration, long peakConnections)
    {
        var kinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            if (kind is not (ErrorKind.None or ErrorKind.Status) && _kinds[(int)kind] > 0)
            {
                kinds[KindName(kind)] = _kinds[(int)kind];
            }
        }
        for (var code = 0; code < _statuses.Length; code++)
        {
            if (_statuses[code] > 0)
            {
                kinds["status_" + code.ToString(CultureInfo.InvariantCulture)] = _statuses[code];
            }
        }
        var metrics = new List<MetricSummary>();
        for (var i = 0; i < s_names.Length; i++)
        {
            var histogram = _measured[i].GetIntervalHistogram();
            if (histogram.TotalCount > 0)
            {
                metrics.Add(MetricSummary.From(s_names[i], histogram));
            }
        }
        return new StepResult
        {
            Step = step,
            Pipeline = pipeline,
            WarmupSeconds = warmup.TotalSeconds,
            DurationSeconds = duration.TotalSeconds,
            Sent = _sent,
            Ok = _ok,
            Errors = kinds.Values.Sum(),
            ErrorsByKind = [.. kinds],
            Events = _events,
            BytesReceived = _bytes,
            PeakInFlight = _peakInFlight,
            PeakConnections = peakConnections,
            MaxDispatchLagMs = _maxLagTicks * s_microsPerTick / 1000,
            LastHeadersMs = _lastHeaders == 0 ? 0 : (_lastHeaders - _windowStart) * s_microsPerTick / 1000,
            GcCollections = [GC.CollectionCount(0) - _gcStart[0], GC.CollectionCount(1) - _gcStart[1], GC.CollectionCount(2) - _gcStart[2]],
            GcPauseMs = ((long)GC.GetTotalPauseDuration().TotalMicroseconds - _gcPauseStart) / 1000.0,
            Metrics = metrics,
        };
    }

    /// <summary>The snake_case name the reports use (perf/LAB.md).</summary>
    public static string KindName(ErrorKind kind) => kind switch
    {
        ErrorKind.ConnectRefused => "connect_refused",
        ErrorKind.ConnectError => "connect_error",
        ErrorKind.Timeout => "timeout",
        ErrorKind.Protocol => "protocol",
        ErrorKind.Reset => "reset",
        ErrorKind.Overloaded => "overloaded",
        _ => "status",
    };

    private static long Micros(long ticks) => Math.Clamp((long)(ticks * s_microsPerTick), 1, HighestMicros);

    private static Recorder NewRecorder() =>
        new(1, HighestMicros, 3, (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));

    private static void Max(ref long field, long value)
    {
        var current = Volatile.Read(ref field);
        while (value > current && Interlocked.CompareExchange(ref field, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}

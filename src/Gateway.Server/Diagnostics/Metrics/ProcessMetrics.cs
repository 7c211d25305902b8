using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The process and runtime series, all read at scrape time, under the names Prometheus's client libraries use.</summary>
/// <remarks>Linux figures come from <c>/proc/self/stat</c> and <c>/proc/self/limits</c> (proc(5)); elsewhere those series are left out.</remarks>
internal static class ProcessMetrics
{
    /// <summary>proc(5): utime and stime are in clock ticks of sysconf(_SC_CLK_TCK), which is 100 on Linux.</summary>
    private const double ClockTicksPerSecond = 100;

    public static void Register(MetricsRegistry registry)
    {
        var startTime = new DateTimeOffset(Process.GetCurrentProcess().StartTime).ToUnixTimeMilliseconds() / 1000.0;
        registry.GaugeReadAtScrape("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", () => startTime);
        registry.CounterReadAtScrape("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", () => Environment.CpuUsage.TotalTime.TotalSeconds);
        if (OperatingSystem.IsLinux())
        {
            registry.GaugeReadAtScrape("process_resident_memory_bytes", "Resident memory size, in bytes.", () => Stat(StatField.ResidentPages) * Environment.SystemPageSize);
            registry.GaugeReadAtScrape("process_virtual_memory_bytes", "Virtual memory size, in bytes.", () => Stat(StatField.VirtualBytes));
            registry.GaugeReadAtScrape("process_threads", "Threads of the process.", () => Stat(StatField.Threads));
            registry.GaugeReadAtScrape("process_open_fds", "Open file descriptors.", () => Directory.GetFileSystemEntries("/proc/self/fd").Length);
            registry.GaugeReadAtScrape("process_max_fds", "The soft limit of open file descriptors.", MaxOpenFiles);
        }
        registry.GaugeReadAtScrape("dotnet_total_memory_bytes", "Bytes the GC heap holds in live and not yet collected objects.", () => GC.GetTotalMemory(forceFullCollection: false));
        registry.CounterReadAtScrape("dotnet_gc_allocated_bytes_total", "Bytes allocated on the GC heap since the process started.", () => GC.GetTotalAllocatedBytes(precise: false));
        registry.ReadAtScrape("dotnet_collection_count_total", "Garbage collections, by generation.", MetricType.Counter, ["generation"], samples =>
        {
            for (var generation = 0; generation <= GC.MaxGeneration; generation++)
            {
                samples.Add(GC.CollectionCount(generation), generation.ToString(CultureInfo.InvariantCulture));
            }
        });
        // The SDK stamps the informational version as "<version>+<git commit>".
        var informationalVersion = typeof(ProcessMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informationalVersion : informationalVersion[..plus];
        var commit = plus < 0 ? "unknown" : informationalVersion[(plus + 1)..];
        registry.ReadAtScrape("gateway_build_info", "Always 1; the labels say which build runs.", MetricType.Gauge, ["version", "commit"], samples => samples.Add(1, version, commit));
    }

    private enum StatField
    {
        // proc(5) numbers the fields of /proc/self/stat from 1; these count from the field after the command's closing parenthesis (field 3).
        Threads = 20 - 3,
        VirtualBytes = 23 - 3,
        ResidentPages = 24 - 3,
    }

    private static double Stat(StatField field)
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // The command (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return double.Parse(fields[(int)field], CultureInfo.InvariantCulture);
    }

    private static double MaxOpenFiles()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var soft = line["Max open files".Length..].TrimStart().Split(' ')[0];
                return soft == "unlimited" ? double.PositiveInfinity : double.Parse(soft, CultureInfo.InvariantCulture);
            }
        }
        return double.NaN;
    }
}

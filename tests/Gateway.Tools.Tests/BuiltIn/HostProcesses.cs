using System.Diagnostics;
using System.Globalization;

namespace Gateway.Tools.Tests.BuiltIn;

/// <summary>What runs on the host, read from /proc (proc(5)), for tests that must see that nothing of a command is left.</summary>
public static class HostProcesses
{
    /// <summary>Live (not zombie: a killed orphan waits for its reaper) processes whose command line contains <paramref name="marker"/>.</summary>
    public static List<int> Running(string marker) =>
        Live((directory, _) => File.ReadAllText($"{directory}/cmdline").Contains(marker, StringComparison.Ordinal));

    /// <summary>Live processes of process group <paramref name="group"/>.</summary>
    public static List<int> MembersOf(int group) =>
        Live((_, stat) => stat[2] == group.ToString(CultureInfo.InvariantCulture));

    /// <summary>The pids of live processes that <paramref name="matches"/> by their /proc directory and the fields of their stat after the name (proc(5): state, ppid, pgrp, …).</summary>
    private static List<int> Live(Func<string, string[], bool> matches)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText($"{directory}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && matches(directory, fields))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while the directory was listed.
            }
        }
        return found;
    }

    /// <summary>Waits, at most <paramref name="limit"/>, until no live process has <paramref name="marker"/> in its command line.</summary>
    public static async Task AssertNoneLeftAsync(string marker, TimeSpan limit)
    {
        var stopwatch = Stopwatch.StartNew();
        while (Running(marker) is { Count: > 0 } left)
        {
            Assert.True(stopwatch.Elapsed < limit, $"{left.Count} processes with '{marker}' still running after {limit}");
            await Task.Delay(20);
        }
    }

    /// <summary>A number no other test's command uses, for <c>sleep</c> to carry in its command line.</summary>
    public static string Marker() => $"6{Random.Shared.Next(100_000, 1_000_000)}";
}

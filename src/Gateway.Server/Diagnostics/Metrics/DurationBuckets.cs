using System.Globalization;
using System.Text;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The fixed upper bounds, in seconds, of every duration histogram: client_golang's defaults, extended to the minutes a stream can last.</summary>
internal static class DurationBuckets
{
    public static readonly double[] Seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    /// <summary>The bounds in <see cref="TimeSpan"/> ticks, so an observation is compared as a whole number.</summary>
    public static readonly long[] Ticks = [.. Seconds.Select(s => (long)(s * TimeSpan.TicksPerSecond))];

    /// <summary>Each bound's <c>le</c> label value as the exposition writes it, then <c>+Inf</c>.</summary>
    public static readonly byte[][] LabelValues = [.. Seconds.Select(s => Encoding.ASCII.GetBytes(s.ToString(CultureInfo.InvariantCulture))), "+Inf"u8.ToArray()];
}

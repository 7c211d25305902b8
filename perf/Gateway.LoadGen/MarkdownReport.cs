using System.Globalization;
using System.Text;

namespace Gateway.LoadGen;

/// <summary>The markdown tables of perf/LAB.md: steps, latency percentiles (ms), errors.</summary>
public static class MarkdownReport
{
    public static string Build(LoadOptions options, IReadOnlyList<string> args, IReadOnlyList<StepResult> steps)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.Append(c, $"### {options.EffectiveLabel}: {options.EffectiveMethod} {options.Url}{(options.Sse ? " (SSE)" : "")}\n\n");
        md.Append("`Gateway.LoadGen ").Append(string.Join(' ', args.Select(Quote))).Append("`\n\n");
        md.Append("| step | mode | target/s | conns | ok | errors | achieved/s | events/req | max lag ms | generator GCs (pause ms) |\n");
        md.Append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (var i = 0; i < steps.Count; i++)
        {
            var r = steps[i];
            var target = r.Step.Open ? r.Step.Rate.ToString("0.##", c) : "-";
            var conns = r.Step.Open ? $"{r.PeakConnections} (peak)" : r.Step.Connections.ToString(c) + (r.Pipeline > 1 ? $" ×{r.Pipeline}" : "");
            md.Append(c, $"| {i + 1} | {(r.Step.Open ? "open" : "closed")} | {target} | {conns} | {r.Ok} | {r.Errors} | {r.AchievedRate:0.0} | {r.EventsPerRequest:0.##} | {(r.Step.Open ? r.MaxDispatchLagMs.ToString("0.000", c) : "-")} | {string.Join('/', r.GcCollections)} ({r.GcPauseMs:0.0}) |\n");
        }
        md.Append("\nLatency, ms (open loop: from the scheduled start; closed loop: from the write):\n\n");
        md.Append("| step | metric | count | p50 | p90 | p99 | p99.9 | max |\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (var i = 0; i < steps.Count; i++)
        {
            foreach (var m in steps[i].Metrics)
            {
                md.Append(c, $"| {i + 1} | {m.Name} | {m.Count} | {m.P50:0.000} | {m.P90:0.000} | {m.P99:0.000} | {m.P999:0.000} | {m.Max:0.000} |\n");
            }
        }
        if (steps.Any(s => s.ErrorsByKind.Count > 0))
        {
            md.Append("\n| step | error | count |\n|---:|---|---:|\n");
            for (var i = 0; i < steps.Count; i++)
            {
                foreach (var (kind, count) in steps[i].ErrorsByKind)
                {
                    md.Append(c, $"| {i + 1} | {kind} | {count} |\n");
                }
            }
        }
        return md.ToString();
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_./:=,@".Contains(ch, StringComparison.Ordinal)) ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

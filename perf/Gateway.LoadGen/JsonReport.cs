using System.Text.Json;

namespace Gateway.LoadGen;

/// <summary>Writes the JSON report of perf/LAB.md (by hand with <see cref="Utf8JsonWriter"/>: no reflection under AOT).</summary>
public static class JsonReport
{
    public static void Write(Stream output, LoadOptions options, DateTimeOffset startedAt, IReadOnlyList<StepResult> steps)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "Gateway.LoadGen");
        json.WriteNumber("version", 1);
        json.WriteString("label", options.EffectiveLabel);
        json.WriteString("url", options.Url.ToString());
        json.WriteString("method", options.EffectiveMethod);
        json.WriteBoolean("sse", options.Sse);
        json.WriteString("mode", options.Mode.ToString().ToLowerInvariant());
        json.WriteString("startedAt", startedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteStartArray("steps");
        foreach (var step in steps)
        {
            WriteStep(json, step);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter json, StepResult r)
    {
        json.WriteStartObject();
        json.WriteString("mode", r.Step.Open ? "open" : "closed");
        if (r.Step.Open)
        {
            json.WriteNumber("targetRate", r.Step.Rate);
        }
        else
        {
            json.WriteNull("targetRate");
        }
        json.WriteNumber("connections", r.Step.Connections);
        json.WriteNumber("pipeline", r.Pipeline);
        json.WriteNumber("warmupSeconds", r.WarmupSeconds);
        json.WriteNumber("durationSeconds", r.DurationSeconds);
        json.WriteNumber("sent", r.Sent);
        json.WriteNumber("ok", r.Ok);
        json.WriteNumber("errors", r.Errors);
        json.WriteStartObject("errorsByKind");
        foreach (var (kind, count) in r.ErrorsByKind)
        {
            json.WriteNumber(kind, count);
        }
        json.WriteEndObject();
        json.WriteNumber("achievedRate", Math.Round(r.AchievedRate, 1));
        json.WriteNumber("attemptedRate", Math.Round(r.AttemptedRate, 1));
        json.WriteNumber("events", r.Events);
        json.WriteNumber("eventsPerRequest", Math.Round(r.EventsPerRequest, 2));
        json.WriteNumber("bytesReceived", r.BytesReceived);
        json.WriteNumber("peakInFlight", r.PeakInFlight);
        json.WriteNumber("peakConnections", r.PeakConnections);
        json.WriteNumber("maxDispatchLagMs", Math.Round(r.MaxDispatchLagMs, 3));
        json.WriteNumber("lastHeadersMs", Math.Round(r.LastHeadersMs, 3));
        json.WriteStartArray("gcCollections");
        foreach (var count in r.GcCollections)
        {
            json.WriteNumberValue(count);
        }
        json.WriteEndArray();
        json.WriteNumber("gcPauseMs", Math.Round(r.GcPauseMs, 3));
        json.WriteStartObject("metrics");
        foreach (var m in r.Metrics)
        {
            json.WriteStartObject(m.Name);
            json.WriteNumber("count", m.Count);
            json.WriteNumber("mean", Math.Round(m.Mean, 3));
            json.WriteNumber("p50", m.P50);
            json.WriteNumber("p90", m.P90);
            json.WriteNumber("p99", m.P99);
            json.WriteNumber("p999", m.P999);
            json.WriteNumber("max", m.Max);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }
}

using System.Collections.Concurrent;
using System.Text;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The agent loop's series: sessions, relays, /chat events, the orchestrator pool and tool calls.</summary>
internal sealed class AgentMetrics
{
    /// <summary>The tool label of a call to a tool the model made up: its name is not a label, so a model cannot add series.</summary>
    public const string UnknownTool = "_unknown";

    private static readonly string[] DecisionLabels = ["approved", "denied", "always", "timed_out"];
    private static readonly string[] ToolOutcomeLabels = ["success", "error", "refused"];

    private readonly TimeProvider _clock;
    private readonly MetricsRegistry _registry;
    private readonly Counter[] _sessions;
    private readonly Counter[] _relays;
    private readonly RecordedFamily<Counter> _events;
    private readonly RecordedFamily<Counter> _toolCalls;
    private readonly RecordedFamily<Histogram> _toolDurations;
    private readonly ConcurrentDictionary<string, ToolSeries> _tools = new(StringComparer.Ordinal);
    private Counter?[] _eventsByType = new Counter?[16];

    public AgentMetrics(MetricsRegistry registry, TimeProvider clock)
    {
        _clock = clock;
        _registry = registry;
        var sessions = registry.Counters("gateway_sessions_total", "/chat sessions ended, by outcome.", "outcome");
        _sessions = [.. SessionOutcomeNames.All.Select(o => sessions.WithLabels(o))];
        RelaysPending = registry.Gauge("gateway_relays_pending", "Permission relays waiting for the client's answer.");
        var relays = registry.Counters("gateway_relays_total", "Permission relays settled, by decision.", "decision");
        _relays = [.. DecisionLabels.Select(d => relays.WithLabels(d))];
        _events = registry.Counters("gateway_sse_events_total", "/chat events sent, by type (SPEC §5).", "type");
        _toolCalls = registry.Counters("gateway_tool_calls_total", "Tool calls of agents, by tool and outcome.", "tool", "outcome");
        _toolDurations = registry.Histograms("gateway_tool_duration_seconds", "Time a tool call ran, by tool.", "tool");
    }

    public Gauge RelaysPending { get; }

    /// <summary>Registers the series read from the session registry and the orchestrator pool at each scrape.</summary>
    public void ReadAtScrape(Func<int> activeSessions, Func<int> pooledOrchestrators, Func<int> rentedOrchestrators)
    {
        _registry.GaugeReadAtScrape("gateway_sessions_active", "/chat sessions running now.", () => activeSessions());
        _registry.ReadAtScrape("gateway_orchestrators", "Session orchestrators, waiting in the pool or rented by a session.", MetricType.Gauge, ["state"], samples =>
        {
            samples.Add(pooledOrchestrators(), "pooled");
            samples.Add(rentedOrchestrators(), "rented");
        });
    }

    public void SessionEnded(SessionOutcome outcome) => _sessions[(int)outcome].Increment();

    public void RelaySettled(RelayDecision decision) => _relays[(int)decision].Increment();

    /// <summary>Counts one event of the type numbered <paramref name="slot"/> (<see cref="TypeSlot{T}"/>), named <paramref name="type"/>.</summary>
    public void EventSent(int slot, ReadOnlySpan<byte> type)
    {
        var byType = _eventsByType;
        if ((uint)slot >= (uint)byType.Length)
        {
            byType = Grow(slot);
        }
        (byType[slot] ??= _events.WithLabels(Encoding.UTF8.GetString(type))).Increment();
    }

    public long Timestamp() => _clock.GetTimestamp();

    /// <param name="startedAt">When the tool started (<see cref="Timestamp"/>); ignored for a refused call, which did not run.</param>
    public void ToolCalled(string tool, ToolOutcome outcome, long startedAt)
    {
        var series = _tools.GetOrAdd(tool, static (name, metrics) => new ToolSeries(metrics, name), this);
        series.Outcomes[(int)outcome].Increment();
        if (outcome != ToolOutcome.Refused)
        {
            series.Duration.Observe(_clock.GetElapsedTime(startedAt));
        }
    }

    private Counter?[] Grow(int slot)
    {
        lock (_events)
        {
            if (slot >= _eventsByType.Length)
            {
                var larger = new Counter?[Math.Max(slot + 1, 2 * _eventsByType.Length)];
                _eventsByType.CopyTo(larger, 0);
                _eventsByType = larger;
            }
            return _eventsByType;
        }
    }

    private sealed class ToolSeries(AgentMetrics metrics, string tool)
    {
        public Counter[] Outcomes { get; } = [.. ToolOutcomeLabels.Select(o => metrics._toolCalls.WithLabels(tool, o))];

        public Histogram Duration { get; } = metrics._toolDurations.WithLabels(tool);
    }
}

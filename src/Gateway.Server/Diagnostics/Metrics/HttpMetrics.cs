using Gateway.Server.Primitives;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The HTTP server's series: requests by route pattern (never the raw path), durations, connections.</summary>
internal sealed class HttpMetrics
{
    /// <summary>The route label of a request no route matched (404) or refused before it was routed.</summary>
    private const string Unmatched = "unmatched";

    /// <summary>RequestMethod's labels; a method Gateway does not know is one label, so clients cannot add series.</summary>
    private static readonly string[] MethodLabels = [.. Enum.GetValues<RequestMethod>().Select(m => m == RequestMethod.Unknown ? "_OTHER" : m.ToString().ToUpperInvariant())];

    private readonly TimeProvider _clock;
    private readonly MetricsRegistry _registry;
    private readonly RecordedFamily<Counter> _requests;
    private readonly RecordedFamily<Histogram> _durations;
    private readonly RecordedFamily<Counter> _rejected;
    private RouteSeries[] _routes = [];
    private readonly RouteSeries _unmatched;

    public HttpMetrics(MetricsRegistry registry, TimeProvider clock)
    {
        _clock = clock;
        _registry = registry;
        _requests = registry.Counters("gateway_http_requests_total", "HTTP requests answered, by route pattern, method and status.", "route", "method", "status");
        _durations = registry.Histograms("gateway_http_request_duration_seconds", "Time from a request's first byte to the end of its response (a whole stream), by route pattern.", "route");
        Connections = registry.Counters("gateway_connections_total", "Connections accepted.").WithLabels();
        _rejected = registry.Counters("gateway_connections_rejected_total", "Connections refused or closed by the server: at the connection limit, on a timeout, or on a malformed request.", "reason");
        RejectedAtLimit = _rejected.WithLabels("limit");
        RejectedOnTimeout = _rejected.WithLabels("timeout");
        RejectedBadRequest = _rejected.WithLabels("bad_request");
        _unmatched = new RouteSeries(this, Unmatched);
    }

    public Counter Connections { get; }

    public Counter RejectedAtLimit { get; }

    public Counter RejectedOnTimeout { get; }

    public Counter RejectedBadRequest { get; }

    /// <summary>Registers <c>gateway_connections_open</c>, read from the server at each scrape.</summary>
    public void ReadAtScrape(Func<int> openConnections) =>
        _registry.GaugeReadAtScrape("gateway_connections_open", "Connections open now.", () => openConnections());

    /// <summary>Binds the series of each route, by its position in the router (<c>RouteMatch.RouteIndex</c>).</summary>
    public void BindRoutes(IReadOnlyList<string> templates) => _routes = [.. templates.Select(t => new RouteSeries(this, t))];

    public long Timestamp() => _clock.GetTimestamp();

    public TimeSpan Elapsed(long startedAt) => _clock.GetElapsedTime(startedAt);

    /// <param name="route">The matched route's position in the router; negative for none.</param>
    public void RequestEnded(int route, RequestMethod method, int status, TimeSpan duration)
    {
        var series = (uint)route < (uint)_routes.Length ? _routes[route] : _unmatched;
        series.ByMethod(method).Increment(status);
        series.Duration.Observe(duration);
    }

    private sealed class RouteSeries(HttpMetrics metrics, string template)
    {
        private readonly StatusCounters?[] _byMethod = new StatusCounters?[MethodLabels.Length];

        public Histogram Duration { get; } = metrics._durations.WithLabels(template);

        public StatusCounters ByMethod(RequestMethod method) =>
            _byMethod[(int)method] ??= new StatusCounters(metrics._requests, template, MethodLabels[(int)method]);
    }
}

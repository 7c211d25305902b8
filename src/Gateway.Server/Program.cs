using System.Reflection;
using System.Runtime.InteropServices;
using Gateway.Server;
using Gateway.Server.Cluster;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Mcp;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Upstream;
using Gateway.Server.Runtime;
using OpenTelemetry.Trace;

if (CommandLine.Parse(args, banner: null, out var exitCode) is not { } options)
{
    return exitCode;
}

// Disposed last: the lines still queued are written (within a bound) before the process exits.
await using var log = new GatewayLog(options.LogLevel, Console.Error, options.LogFormat);
if (await BashSandboxStartup.SettleAsync(options, log) is not { } settled)
{
    return 2;
}
options = settled;
var version = typeof(GatewayHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
using var tracing = TraceExport.Start(Environment.GetEnvironmentVariable, version);
var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // We exit on our own, after draining.
    stopRequested.TrySetResult();
}
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onAllocationQuery = AllocationSignal.Register(log);

var metrics = new GatewayMetrics(TimeProvider.System);
// One HTTP client (one connection pool) for every remote provider.
using var upstream = new UpstreamHttp(options.Upstream, metrics.Upstream);
var providers = ProviderFactory.Create(options.Providers, upstream, options.Local, options.Mock, log);
log.Info(options.Providers.Count == 0
    ? "No remote model providers configured (set OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY, ZEN_API_KEY or PROVIDERS_FILE)."
    : $"Model providers: {string.Join(", ", options.Providers.Select(p => $"{p.Name} ({p.BaseUrl})"))}");
var localModels = LocalModelDirectory.List(options.Local.ModelsDirectory);
log.Info(localModels.Count == 0
    ? $"No local models: no *.gguf in {options.Local.ModelsDirectory} (MODELS_DIR)."
    : $"Local models from {options.Local.ModelsDirectory}: {string.Join(", ", localModels)} (loaded on first use).");
if (options.Mock.Models.Count > 0)
{
    log.Info($"Mock models (MOCK_MODELS): {string.Join(", ", options.Mock.Models)}.");
}
if (options.DefaultModel is { } defaultModel)
{
    log.Info($"Default model: {defaultModel}");
}

GatewayHost started;
try
{
    started = await GatewayHost.StartAsync(options, providers, log, metrics: metrics);
}
catch (McpConfigException e)
{
    // As a bad GATEWAY_KEYS_FILE does: the operator fixes the file, the gateway does not run without its servers.
    log.Error(e.Message);
    return 2;
}
catch (ClusterUnavailableException e)
{
    // An instance that ran alone while its peers share Redis would answer its relays "Session not found": it does not start.
    log.Error(e.Message);
    return 2;
}
await using var host = started;
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
{
    context.Cancel = true; // SIGHUP's default action ends the process; here it reloads GATEWAY_KEYS_FILE, as daemons reload their configuration.
    host.ReloadKeys();
});
using var trimmer = new IdleMemoryTrimmer(TimeProvider.System);
log.Info($"Gateway {version} listening on http://{host.EndPoint} ({host.Catalog.Current.Models.Count} models)");
using var stopRefresh = new CancellationTokenSource();
var refresh = host.Catalog.StartBackgroundRefresh(stopRefresh.Token);

await stopRequested.Task;
// What is still live when the stop begins, so a soak (perf/hardening.py) can check that nothing leaked.
log.Info($"Stopping: {host.Sessions.Count} live sessions, {host.Orchestrators.Rented} rented orchestrators, {host.Sessions.PendingRelays} pending relays; no new connections; waiting for in-flight requests.");
await stopRefresh.CancelAsync();
await refresh;
await host.StopAsync();
// After the sessions: a local model's decode loop must be idle before its weights and context are freed.
foreach (var provider in providers.OfType<IAsyncDisposable>())
{
    await provider.DisposeAsync();
}
// The spans of the last sessions go out before the exit, within a bound.
tracing?.Shutdown(timeoutMilliseconds: 3000);
log.Info("Stopped.");
return 0;

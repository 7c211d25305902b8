using Gateway.Server.Agents;
using Gateway.Server.Cluster;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Endpoints;
using Gateway.Server.Http;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Upstream;
using Gateway.Server.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using GatewayLogLevel = Gateway.Server.Diagnostics.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Gateway.KestrelBaseline;

/// <summary>
/// The Kestrel baseline of issue 6: GatewayHost's objects (catalog, sessions, orchestrator pool, tool
/// registry, endpoints) built from the same environment variables, served by ASP.NET Core's Kestrel.
/// </summary>
/// <remarks>
/// The wiring below duplicates GatewayHost.StartAsync and Program.cs of Gateway.Server line for line,
/// except that routing, HTTP and the socket are Kestrel's. Keep the two in step until the shared
/// construction is factored out of GatewayHost.
/// </remarks>
internal static class KestrelBaselineProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (CommandLine.Parse(args, "Gateway.KestrelBaseline: the gateway's endpoints on ASP.NET Core Kestrel (perf/ only).", out var exitCode) is not { } options)
        {
            return exitCode;
        }

        var log = new GatewayLog(options.LogLevel, Console.Error);
        var metrics = new GatewayMetrics(TimeProvider.System);
        using var upstream = new UpstreamHttp(options.Upstream, metrics.Upstream);
        var providers = ProviderFactory.Create(options.Providers, upstream, options.Local, options.Mock, log);
        log.Info($"Model providers: {string.Join(", ", options.Providers.Select(p => $"{p.Name} ({p.BaseUrl})"))}");
        log.Info($"Local models from {options.Local.ModelsDirectory}: {string.Join(", ", LocalModelDirectory.List(options.Local.ModelsDirectory))}");

        // As GatewayHost.StartAsync.
        var catalog = new ModelCatalog(providers, options.DefaultModel, log);
        await catalog.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        var agentOptions = options.Agents;
        var registry = new BuiltInToolRegistry(agentOptions.EnabledTools);
        var sessions = new SessionRegistry();
        var orchestrators = new OrchestratorPool(() => new AgentOrchestrator(registry, agentOptions, log, metrics, LocalCluster.Instance), agentOptions.PooledOrchestrators);
        var authenticator = options.ApiKeys.Count > 0 ? new BearerKeyAuthenticator([.. BearerKeyAuthenticator.Unlimited(options.ApiKeys)], TimeProvider.System, metrics.Keys) : null;
        var keyLimits = new KeyLimits(new KeySessions(), new KeyTokens(TimeProvider.System, metrics.Keys, LocalCluster.Instance), metrics.Keys, LocalCluster.Instance);
        var resumable = new ResumableSessions();

        await using var app = Build(options);
        new BaselineRoutes(app, authenticator)
            .MapGet("/health", new HealthEndpoint(), anonymous: true)
            .MapGet("/models", new ModelsEndpoint(catalog))
            .MapPost("/chat", new ChatEndpoint(catalog, options.DefaultModel, orchestrators, sessions, agentOptions, keyLimits, registry, LocalCluster.Instance, options.Resume, resumable))
            .MapPost("/chat/relay/{relayId}", new RelayEndpoint(sessions, LocalCluster.Instance))
            .MapGet("/chat/{sessionId}/events", new SessionEventsEndpoint(resumable, LocalCluster.Instance, agentOptions.PingInterval));

        await app.StartAsync().ConfigureAwait(false);
        log.Info($"Kestrel baseline listening on http://{options.EndPoint} ({catalog.Current.Models.Count} models)");
        using var stopRefresh = new CancellationTokenSource();
        var refresh = catalog.StartBackgroundRefresh(stopRefresh.Token);

        await app.WaitForShutdownAsync().ConfigureAwait(false); // SIGTERM/SIGINT through the host's console lifetime.
        await stopRefresh.CancelAsync().ConfigureAwait(false);
        await refresh.ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        foreach (var provider in providers.OfType<IAsyncDisposable>())
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }
        log.Info("Stopped.");
        return 0;
    }

    /// <summary>Kestrel on HOST:PORT with the gateway's limits and timeouts where Kestrel has an equivalent.</summary>
    private static WebApplication Build(GatewayOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Hosting's per-request Information logs would measure the logger, not the server.
        builder.Logging.SetMinimumLevel(options.LogLevel == GatewayLogLevel.Debug ? LogLevel.Information : LogLevel.Warning);
        builder.WebHost.UseShutdownTimeout(options.Http.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.EndPoint);
            kestrel.AddServerHeader = false; // Our server sends no Server header either: same bytes on the wire.
            var limits = kestrel.Limits;
            limits.MaxConcurrentConnections = options.Http.MaxConnections;
            limits.MaxRequestLineSize = options.Http.MaxRequestLineBytes;
            limits.MaxRequestHeadersTotalSize = options.Http.MaxHeaderBytes;
            limits.MaxRequestHeaderCount = options.Http.MaxHeaderCount;
            limits.MaxRequestBodySize = options.Http.MaxBodyBytes;
            limits.RequestHeadersTimeout = options.Http.HeadersTimeout;
            limits.KeepAliveTimeout = options.Http.KeepAliveTimeout;
        });
        return builder.Build();
    }
}

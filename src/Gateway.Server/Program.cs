using System.Reflection;
using System.Runtime.InteropServices;
using Gateway.Server;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(GatewayOptions.HelpText());
    return 0;
}
if (args.Length > 0)
{
    Console.Error.WriteLine($"Unknown argument '{args[0]}'. Run 'gateway --help' for the configuration variables.");
    return 2;
}

GatewayOptions options;
try
{
    options = GatewayOptions.FromEnvironment(Environment.GetEnvironmentVariable);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"Configuration error: {e.Message}");
    return 2;
}

var log = new GatewayLog(options.LogLevel, Console.Error);
var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // We exit on our own, after draining.
    stopRequested.TrySetResult();
}
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

await using var host = await GatewayHost.StartAsync(options, providers: [], log);
var version = typeof(GatewayHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
log.Info($"Gateway {version} listening on http://{host.EndPoint} ({host.Catalog.Current.Models.Count} models)");

await stopRequested.Task;
log.Info("Stopping: no new connections; waiting for in-flight requests.");
await host.StopAsync();
log.Info("Stopped.");
return 0;

using System.Net.Sockets;
using System.Runtime.InteropServices;
using Gateway.MockUpstream;

// Run socket continuations on the runtime's epoll threads instead of hopping to the thread pool: the handlers
// never block, and it cut CPU per small request by about a quarter on this 2-core machine (measured in
// perf/results/2026-11-28-calibration.md). Read once by System.Net.Sockets, so set before the first socket;
// an explicit DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 from the caller wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

MockOptions options;
try
{
    options = MockOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"Gateway.MockUpstream: {e.Message}\n{MockOptions.Usage}");
    return 2;
}

MockServer server;
try
{
    server = MockServer.Start(options);
}
catch (SocketException e)
{
    Console.Error.WriteLine($"Gateway.MockUpstream: cannot listen on {options.Host}:{options.Port}: {e.Message}");
    return 1;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

// The ready line scripts wait for (perf/LAB.md); the address is the bound one, so --port 0 reports the real port.
Console.Out.WriteLine($"listening on http://{server.EndPoint}");
Console.Out.Flush();
await stop.Task;
await server.DisposeAsync();
Console.Error.WriteLine($"served {server.Requests} requests");
return 0;

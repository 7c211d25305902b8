using System.Globalization;
using System.Net.Sockets;
using Gateway.LoadGen;

// Run socket continuations on the runtime's epoll threads instead of hopping to the thread pool: the handlers
// never block, and it cut CPU per small request by about a quarter on this 2-core machine (measured in
// perf/results/2026-11-28-calibration.md). Read once by System.Net.Sockets, so set before the first socket;
// an explicit DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 from the caller wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

LoadOptions options;
TargetRequest target;
try
{
    options = LoadOptionsParser.Parse(args);
    target = new TargetRequest(options);
}
catch (Exception e) when (e is ArgumentException or SocketException)
{
    Console.Error.WriteLine($"Gateway.LoadGen: {e.Message}\n{LoadOptionsParser.Usage}");
    return 2;
}

// Nothing is measured against a target that is not there: one connect first (exit 3, perf/LAB.md).
using (var probe = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
{
    try
    {
        await probe.ConnectAsync(target.EndPoint, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
    }
    catch (Exception e) when (e is SocketException or OperationCanceledException)
    {
        Console.Error.WriteLine($"Gateway.LoadGen: cannot connect to {target.EndPoint}: {e.Message}");
        return 3;
    }
}

try
{
    var startedAt = DateTimeOffset.UtcNow;
    var steps = options.Steps();
    var results = new List<StepResult>();
    using var watchdog = new TimeoutWatchdog();
    for (var i = 0; i < steps.Count; i++)
    {
        var step = steps[i];
        var metrics = new StepMetrics();
        StepResult result;
        using (options.Quiet ? null : new ProgressReporter(metrics, $"step {i + 1}/{steps.Count} {step.Describe()}", options.Warmup))
        {
            result = step.Open
                ? await new OpenLoop(target, options, watchdog).RunAsync(step, metrics)
                : await new ClosedLoop(target, options, watchdog).RunAsync(step, metrics);
        }
        results.Add(result);
        var end = result.Metrics.FirstOrDefault(m => m.Name == "end");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {i + 1}/{steps.Count} {step.Describe()}: ok {result.Ok} errors {result.Errors} achieved {result.AchievedRate:0.0}/s p50 {end?.P50:0.000}ms p99 {end?.P99:0.000}ms"));
    }
    var markdown = MarkdownReport.Build(options, args, results);
    Console.Out.Write(markdown);
    if (options.MarkdownPath is { } mdPath)
    {
        await File.WriteAllTextAsync(mdPath, markdown);
    }
    if (options.JsonPath is { } jsonPath)
    {
        await using var file = File.Create(jsonPath);
        JsonReport.Write(file, options, startedAt, results);
    }
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"Gateway.LoadGen: failed: {e}");
    return 1;
}

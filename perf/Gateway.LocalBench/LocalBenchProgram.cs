using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Gateway.LocalBench;
using Gateway.Server;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers.Local;

// Tokens/s of local models: LLamaSharp's plain loop (one sequence), the gateway's decode loop in process, and
// POST /chat over loopback, at 1, 2, 4 and 8 concurrent sessions; each figure is the median of --rounds runs.
// With --turn2, the prefill a second turn saves by reusing the first turn's KV cache instead (Turn2Bench).
var settings = BenchSettings.Parse(args);
var log = GatewayLog.Silent;
// Before anything touches llama.cpp: the plain loop must get the same CPU build as the gateway.
LlamaNativeLibrary.EnsureConfigured(log);
if (settings.Turn2)
{
    return await Turn2Bench.RunAsync(settings, log);
}

var local = new LocalModelOptions
{
    ModelsDirectory = settings.ModelsDirectory,
    MaxTokens = settings.Tokens,
    MaxSequences = BenchSettings.Concurrency.Max(),
    Threads = settings.Threads,
};
await using var provider = new LocalModelProvider(local, log);
var options = new GatewayOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Local = local };
await using var host = await GatewayHost.StartAsync(options, [provider], log);
using var chat = new ChatRunner(host.EndPoint);

var rows = new List<(string Model, BenchResult Result)>();
foreach (var id in settings.Models)
{
    var model = await provider.GetModelAsync(id, default);
    var path = Path.Combine(settings.ModelsDirectory, id + LocalModelDirectory.Extension);
    Console.Error.WriteLine($"{id}: warming up");
    await DirectRunner.RunAsync(model, 1);
    await chat.RunAsync(model, id, 1);
    await PlainLoop.RunAsync(path, model.ContextPerSequence, settings.Threads, BenchSettings.Prompts[0], settings.Tokens, model.UsesChatTemplate);

    rows.Add((id, await MedianAsync(() => PlainLoop.RunAsync(path, model.ContextPerSequence, settings.Threads, BenchSettings.Prompts[0], settings.Tokens, model.UsesChatTemplate))));
    foreach (var sessions in BenchSettings.Concurrency)
    {
        rows.Add((id, await MedianAsync(() => DirectRunner.RunAsync(model, sessions))));
    }
    foreach (var sessions in BenchSettings.Concurrency)
    {
        rows.Add((id, await MedianAsync(() => chat.RunAsync(model, id, sessions))));
    }
}

Console.WriteLine($"Machine: {CpuName()}, {Environment.ProcessorCount} logical cores; {RuntimeInformation.OSDescription}; .NET {Environment.Version}; " +
    $"llama.cpp {LlamaNativeLibrary.LoadedLevel()} build; {settings.Threads} threads; {settings.Tokens} tokens per session at most; median of {settings.Rounds} rounds.");
Console.WriteLine();
Console.WriteLine("| model | path | sessions | tokens | wall ms | aggregate tok/s | per session tok/s | first token ms | decode calls | vs plain loop |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var group in rows.GroupBy(r => r.Model))
{
    var baseline = group.First().Result.TokensPerSecond;
    foreach (var (model, r) in group)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {model} | {r.Path} | {r.Sessions} | {r.Tokens} | {r.Wall.TotalMilliseconds:0.0} | {r.TokensPerSecond:0} | {r.PerSessionTokensPerSecond:0} | {r.FirstToken.TotalMilliseconds:0.0} | {(r.DecodeCalls == 0 ? "-" : r.DecodeCalls.ToString(CultureInfo.InvariantCulture))} | {r.TokensPerSecond / baseline:0.00}x |"));
    }
}
return 0;

async Task<BenchResult> MedianAsync(Func<Task<BenchResult>> run)
{
    var results = new List<BenchResult>();
    for (var i = 0; i < settings.Rounds; i++)
    {
        results.Add(await run());
    }
    results.Sort((a, b) => a.TokensPerSecond.CompareTo(b.TokensPerSecond));
    var median = results[results.Count / 2];
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {median.Path}, {median.Sessions} sessions: {median.TokensPerSecond:0} tok/s"));
    return median;
}

static string CpuName() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

using Gateway.Fuzz;
using SharpFuzz;

// gateway-fuzz TARGET runs under afl-fuzz, which hands it one input after another (perf/fuzz.sh);
// gateway-fuzz TARGET FILE... runs the files once, to replay a crash afl-fuzz saved.
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: gateway-fuzz {string.Join('|', FuzzTargets.All.Keys)} [FILE...]");
    return 2;
}
if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        target(File.ReadAllBytes(file));
    }
    return 0;
}
Fuzzer.Run(stream =>
{
    using var input = new MemoryStream();
    stream.CopyTo(input);
    target(input.GetBuffer().AsSpan(0, (int)input.Length));
});
return 0;

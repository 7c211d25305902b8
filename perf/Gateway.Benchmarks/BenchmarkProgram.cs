using BenchmarkDotNet.Running;

namespace Gateway.Benchmarks;

internal static class BenchmarkProgram
{
    // Gateway.Server's own top-level Program is visible here (InternalsVisibleTo), so this entry point is named.
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}

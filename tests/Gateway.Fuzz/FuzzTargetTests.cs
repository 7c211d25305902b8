namespace Gateway.Fuzz;

/// <summary>
/// Every committed seed runs through its target without a crash, which keeps the targets compiling and working in CI;
/// so do the crashes afl-fuzz found, kept in Regressions/ once fixed.
/// </summary>
public class FuzzTargetTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys);

    public static TheoryData<string> TargetsWithRegressions => new(["chat", "relay", "completions"]);

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsRunThroughTheirTarget(string target) => AssertRunWithoutCrash(target, "Seeds");

    [Theory]
    [MemberData(nameof(TargetsWithRegressions))]
    public void FoundCrashesRunThroughTheirTarget(string target) => AssertRunWithoutCrash(target, "Regressions");

    private static void AssertRunWithoutCrash(string target, string folder)
    {
        var inputs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, folder, target));
        Assert.NotEmpty(inputs);
        Assert.All(inputs, input => FuzzTargets.All[target](File.ReadAllBytes(input)));
    }
}

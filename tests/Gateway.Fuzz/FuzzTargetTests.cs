namespace Gateway.Fuzz;

/// <summary>Every committed seed runs through its target without a crash: the targets keep compiling and working in CI.</summary>
public class FuzzTargetTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys);

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsRunThroughTheirTarget(string target)
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Seeds", target));
        Assert.NotEmpty(seeds);
        Assert.All(seeds, seed => FuzzTargets.All[target](File.ReadAllBytes(seed)));
    }
}

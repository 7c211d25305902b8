using Gateway.Server.Agents.Permissions;

namespace Gateway.Server.Tests.Agents;

/// <summary>The permission glob of SPEC §6: whole-string, "*" and "**" cross "/", no wildcard matches a leading "." of a segment.</summary>
public sealed class GlobTests
{
    [Theory]
    // SPEC §6: whole-string matching.
    [InlineData("ls -la", "ls -la")]
    [InlineData("ls *", "ls -la")]
    [InlineData("ls **", "ls -la /tmp")]
    // "*" and "**" both cross "/".
    [InlineData("src/*", "src/app/main.cs")]
    [InlineData("src/**", "src/app/main.cs")]
    [InlineData("*.cs", "src/app/main.cs")]
    [InlineData("src/*/main.cs", "src/a/b/main.cs")]
    // A dot inside a segment is an ordinary character.
    [InlineData("*", "main.cs")]
    [InlineData("src/*.cs", "src/main.test.cs")]
    // A dot segment is reachable by a pattern that spells the dot out.
    [InlineData("src/.*", "src/.env")]
    [InlineData(".git/**", ".git/config")]
    [InlineData("**/.env", "src/app/.env")]
    // Empty runs and patterns of only wildcards.
    [InlineData("*", "")]
    [InlineData("**", "a/b/c")]
    [InlineData("a*b*c", "abc")]
    [InlineData("a*b*c", "aXbYc")]
    [InlineData("", "")]
    // Every other character is literal, including "?" and brackets.
    [InlineData("what?", "what?")]
    [InlineData("[abc]", "[abc]")]
    public void Matches(string pattern, string value) => Assert.True(Glob.IsMatch(pattern, value));

    [Theory]
    // Whole string: no prefix or suffix matches.
    [InlineData("ls", "ls -la")]
    [InlineData("ls -la", "ls")]
    [InlineData("git status", "git status --short")]
    // A wildcard never matches the "." that starts a segment.
    [InlineData("*", ".env")]
    [InlineData("src/*", "src/.env")]
    [InlineData("src/**", "src/.git/config")]
    [InlineData("**", "a/.hidden/b")]
    [InlineData("*env", ".env")]
    // Literal characters must be equal, case included.
    [InlineData("LS *", "ls -la")]
    [InlineData("src/*.cs", "src/main.cs.bak")]
    [InlineData("what?", "whatX")]
    [InlineData("a*b*c", "aXbY")]
    [InlineData("", "x")]
    public void DoesNotMatch(string pattern, string value) => Assert.False(Glob.IsMatch(pattern, value));

    [Fact]
    public void LongValuesWithManyStarsFinishQuickly()
    {
        // Backtracking to the last star only keeps this linear-ish; a naive recursive matcher would explode.
        var value = new string('a', 10_000) + "b";
        Assert.False(Glob.IsMatch("*a*a*a*a*a*a*a*a*c", value));
        Assert.True(Glob.IsMatch("*a*a*a*a*a*a*a*a*b", value));
    }
}

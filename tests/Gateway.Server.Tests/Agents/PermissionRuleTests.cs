using System.Text.Json;
using Gateway.Server.Agents.Permissions;

namespace Gateway.Server.Tests.Agents;

/// <summary>Rule matching and the "always" derivation of SPEC §6.</summary>
public sealed class PermissionRuleTests
{
    private static JsonElement Arguments(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void RuleWithoutParamsMatchesEveryCallOfItsTool()
    {
        var rule = new PermissionRule("read", []);
        Assert.True(rule.Matches("read", Arguments("""{"filePath":"a.txt"}""")));
        Assert.False(rule.Matches("bash", Arguments("""{"command":"ls"}""")));
    }

    [Fact]
    public void EveryListedParamMustExistAndMatchWhileUnlistedOnesAreIgnored()
    {
        var rule = new PermissionRule("bash", [new("command", "git **"), new("timeout", "5")]);
        Assert.True(rule.Matches("bash", Arguments("""{"command":"git status","timeout":5,"other":true}""")));
        Assert.False(rule.Matches("bash", Arguments("""{"command":"git status"}""")));
        Assert.False(rule.Matches("bash", Arguments("""{"command":"rm -rf /","timeout":5}""")));
    }

    [Fact]
    public void NonStringParamsMatchByTheirJsonText()
    {
        var rule = new PermissionRule("t", [new("flag", "true"), new("list", "[1,2]")]);
        Assert.True(rule.Matches("t", Arguments("""{"flag":true,"list":[1, 2]}""")));
    }

    [Theory]
    [InlineData("""{"command":"ls -la"}""", "command", "ls **")]
    [InlineData("""{"command":"ls"}""", "command", "ls")]
    [InlineData("""{"command":" leading space"}""", "command", " leading **")]
    [InlineData("""{"filePath":"src/a b.txt"}""", "filePath", "src/a **")]
    [InlineData("""{"timeout":5}""", "timeout", "5")]
    [InlineData("""{"command":""}""", "command", "")]
    [InlineData("""{"command":"x"}""", "command", "x")]
    public void AlwaysRuleKeepsTheFirstWordOfValuesWithASpaceAndOtherValuesExactly(string arguments, string param, string glob)
    {
        var rule = PermissionRule.DeriveAlways("bash", Arguments(arguments));
        Assert.Equal("bash", rule.Tool);
        Assert.Equal([new KeyValuePair<string, string>(param, glob)], rule.Params);
    }

    [Fact]
    public void DerivedAlwaysRuleMatchesTheCallItCameFromAndItsKin()
    {
        var rule = PermissionRule.DeriveAlways("bash", Arguments("""{"command":"npm test -- --watch"}"""));
        Assert.True(rule.Matches("bash", Arguments("""{"command":"npm test -- --watch"}""")));
        Assert.True(rule.Matches("bash", Arguments("""{"command":"npm install left-pad"}""")));
        Assert.False(rule.Matches("bash", Arguments("""{"command":"npx something"}""")));
    }
}

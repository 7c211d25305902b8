using System.Security.Cryptography;
using System.Text;
using Gateway.Server.Http;

namespace Gateway.Server.Tests.Http;

public sealed class KeysFileTests
{
    private static readonly string s_digest = Convert.ToHexStringLower(SHA256.HashData("team-a-secret"u8));

    [Fact]
    public void ReadsEveryFieldAndLeavesMissingLimitsUnset()
    {
        var keys = KeysFile.Parse(Encoding.UTF8.GetBytes($$"""
            { // notes are allowed
              "keys": [
                {"name":"team-a","sha256":"{{s_digest}}","models":["openai/*","mock-?"],"maxConcurrentSessions":2,"requestsPerMinute":60,"tokensPerDay":1000000,"note":"x"},
                {"name":"team-b","sha256":"{{s_digest.ToUpperInvariant()}}"},
              ]
            }
            """));

        Assert.Equal(2, keys.Count);
        var a = keys[0];
        Assert.Equal("team-a", a.Name);
        Assert.Equal(SHA256.HashData("team-a-secret"u8), a.Sha256);
        Assert.Equal(["openai/*", "mock-?"], a.Models!);
        Assert.Equal(2, a.MaxConcurrentSessions);
        Assert.Equal(60, a.RequestsPerMinute);
        Assert.Equal(1_000_000, a.TokensPerDay);
        var b = keys[1];
        Assert.Equal(a.Sha256, b.Sha256);
        Assert.Null(b.Models);
        Assert.Null(b.MaxConcurrentSessions);
        Assert.Null(b.RequestsPerMinute);
        Assert.Null(b.TokensPerDay);
    }

    [Theory]
    [InlineData("openai/gpt-5", true)]
    [InlineData("openai/gpt-5/mini", true)]
    [InlineData("mock-a", true)]
    [InlineData("mock-ab", false)]
    [InlineData("anthropic/claude", false)]
    [InlineData("OPENAI/gpt-5", false)]
    public void ModelsAreGlobsOverTheWholeId(string model, bool allowed)
    {
        var key = KeysFile.Parse(Encoding.UTF8.GetBytes($$"""{"keys":[{"name":"a","sha256":"{{s_digest}}","models":["openai/*","mock-?"]}]}"""))[0];

        Assert.Equal(allowed, key.AllowsModel(model));
    }

    [Fact]
    public void NoModelsListAllowsEveryModelAndAnEmptyOneNone()
    {
        var keys = KeysFile.Parse(Encoding.UTF8.GetBytes($$"""{"keys":[{"name":"a","sha256":"{{s_digest}}"},{"name":"b","sha256":"{{s_digest}}","models":[]}]}"""));

        Assert.True(keys[0].AllowsModel("anything"));
        Assert.False(keys[1].AllowsModel("anything"));
    }

    [Fact]
    public void AModelNamedWithoutItsProviderMatchesAsProviderSlashModelWithoutAllocating()
    {
        var key = KeysFile.Parse(Encoding.UTF8.GetBytes($$"""{"keys":[{"name":"a","sha256":"{{s_digest}}","models":["openai/*"]}]}"""))[0];
        var longModel = new string('m', 300); // past the stack buffer: a rented array

        Assert.True(key.AllowsModel("gpt-5", "openai", "gpt-5"));
        Assert.True(key.AllowsModel(longModel, "openai", longModel));
        Assert.False(key.AllowsModel("gpt-5", "azure", "gpt-5"));
        Assert.False(key.AllowsModel("claude", "anthropic", "claude"));
        // Every request of a key with models asks this (scenario 13 of perf/README.md): no string a time.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            key.AllowsModel("gpt-5", "openai", "gpt-5");
            key.AllowsModel("claude", "anthropic", "claude");
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("{}", "no \"keys\" array with at least one key")]
    [InlineData("""{"keys":[]}""", "no \"keys\" array with at least one key")]
    [InlineData("""{"keys":{}}""", "\"keys\" must be an array")]
    [InlineData("""{"keys":[{"sha256":"DIGEST"}]}""", "keys[0].name is required")]
    [InlineData("""{"keys":[{"name":" ","sha256":"DIGEST"}]}""", "keys[0].name must be a non-empty string")]
    [InlineData("""{"keys":[{"name":"a"}]}""", "keys[0].sha256 is required")]
    [InlineData("""{"keys":[{"name":"a","sha256":"abc"}]}""", "keys[0].sha256 must be 64 hex digits (the SHA-256 of the key)")]
    [InlineData("""{"keys":[{"name":"a","sha256":"DIGEST","requestsPerMinute":0}]}""", "keys[0].requestsPerMinute must be a whole number from 1 to 100000")]
    [InlineData("""{"keys":[{"name":"a","sha256":"DIGEST","maxConcurrentSessions":1.5}]}""", "keys[0].maxConcurrentSessions must be a whole number from 1 to 2147483647")]
    [InlineData("""{"keys":[{"name":"a","sha256":"DIGEST","tokensPerDay":"many"}]}""", "keys[0].tokensPerDay must be a whole number from 1 to 9223372036854775807")]
    [InlineData("""{"keys":[{"name":"a","sha256":"DIGEST","models":["x",1]}]}""", "keys[0].models must be an array of strings")]
    [InlineData("""{"keys":[{"name":"a","sha256":"DIGEST"},{"name":"a","sha256":"DIGEST"}]}""", "the name 'a' is given to more than one key")]
    public void RefusesAFileOfAnotherShapeSayingWhere(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => KeysFile.Parse(Encoding.UTF8.GetBytes(json.Replace("DIGEST", s_digest, StringComparison.Ordinal))));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void RefusesJsonThatIsNotJson() =>
        Assert.StartsWith("not valid JSON", Assert.Throws<FormatException>(() => KeysFile.Parse("""{"keys":[{"name":"""u8)).Message, StringComparison.Ordinal);
}

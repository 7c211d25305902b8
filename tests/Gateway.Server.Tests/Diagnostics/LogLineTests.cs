using System.Text.Json;
using Gateway.Server.Diagnostics;

namespace Gateway.Server.Tests.Diagnostics;

/// <summary>How a line's fields are written: logfmt-style quoting in text, escaped strings in JSON, numbers as numbers.</summary>
public sealed class LogLineTests
{
    [Fact]
    public async Task TextQuotesValuesWithSpacesQuotesOrControlsAndLeavesPlainOnesBare()
    {
        var text = await WriteAsync(LogFormat.Text);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn  something happened ", text);
        Assert.EndsWith(
            """ plain=abc spaced="a b" quoted="say \"hi\"" equals="k=v" newline="one\ntwo" empty="" count=-42 ms=1.5""" + "\n",
            text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonIsOneObjectPerLineWithTheSameFields()
    {
        var text = await WriteAsync(LogFormat.Json);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        using var line = JsonDocument.Parse(text);
        var root = line.RootElement;
        Assert.Equal(("warning", "something happened"), (root.GetProperty("level").GetString(), root.GetProperty("msg").GetString()));
        Assert.Equal(("a b", "say \"hi\"", "one\ntwo", ""), (root.GetProperty("spaced").GetString(), root.GetProperty("quoted").GetString(), root.GetProperty("newline").GetString(), root.GetProperty("empty").GetString()));
        Assert.Equal((-42, 1.5), (root.GetProperty("count").GetInt64(), root.GetProperty("ms").GetDouble()));
    }

    [Fact]
    public async Task ALevelThatIsOffWritesNothing()
    {
        var output = new StringWriter();
        await using (var log = new GatewayLog(LogLevel.Warning, output))
        {
            var line = log.Line(LogLevel.Info, "request");
            Assert.False(line.IsEnabled);
            line.Add("status"u8, 200);
            line.Write();
        }
        Assert.Equal("", output.ToString());
    }

    private static async Task<string> WriteAsync(LogFormat format)
    {
        var output = new StringWriter();
        await using (var log = new GatewayLog(LogLevel.Info, output, format))
        {
            var line = log.Line(LogLevel.Warning, "something happened");
            line.Add("plain"u8, "abc");
            line.Add("spaced"u8, "a b");
            line.Add("quoted"u8, "say \"hi\"");
            line.Add("equals"u8, "k=v");
            line.Add("newline"u8, "one\ntwo");
            line.Add("empty"u8, "");
            line.Add("count"u8, -42);
            line.Add("ms"u8, TimeSpan.FromMilliseconds(1.5));
            line.Write();
        }
        return output.ToString();
    }
}

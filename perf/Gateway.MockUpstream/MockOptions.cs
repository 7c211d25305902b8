using System.Globalization;
using System.Net;

namespace Gateway.MockUpstream;

/// <summary>The mock's command line (perf/LAB.md is the contract).</summary>
public sealed record MockOptions
{
    public IPAddress Host { get; init; } = IPAddress.Loopback;
    public int Port { get; init; } = 8090;
    public int Chunks { get; init; } = 32;
    public int TtfbMs { get; init; }
    public int GapMs { get; init; }
    public int ToolCalls { get; init; }
    public string ToolName { get; init; } = "read";
    public string ToolArgs { get; init; } = """{"path":"README.md"}""";
    public string Text { get; init; } = "tok ";
    public string Model { get; init; } = "mock";

    public const string Usage =
        "usage: Gateway.MockUpstream [--host 127.0.0.1] [--port 8090] [--chunks 32] [--ttfb-ms 0] [--gap-ms 0]\n" +
        "                            [--tool-calls 0] [--tool-name read] [--tool-args JSON] [--text 'tok '] [--model mock]";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static MockOptions Parse(IReadOnlyList<string> args)
    {
        var options = new MockOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value (or is unknown)");
            }
            var value = args[++i];
            options = name switch
            {
                "--host" => options with { Host = IPAddress.TryParse(value, out var ip) ? ip : throw new ArgumentException($"--host: '{value}' is not an IP address") },
                "--port" => options with { Port = Int(name, value, 0, 65535) },
                "--chunks" => options with { Chunks = Int(name, value, 0, 1_000_000) },
                "--ttfb-ms" => options with { TtfbMs = Int(name, value, 0, 3_600_000) },
                "--gap-ms" => options with { GapMs = Int(name, value, 0, 3_600_000) },
                "--tool-calls" => options with { ToolCalls = Int(name, value, 0, 1000) },
                "--tool-name" => options with { ToolName = value },
                "--tool-args" => options with { ToolArgs = value },
                "--text" => options with { Text = value },
                "--model" => options with { Model = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return options;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a whole number in [{min}, {max}]");
}
